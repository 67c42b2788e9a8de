FROM debian:12
ARG APP_UID=10001
RUN groupadd -g 2147483647 big && \
    useradd -l -u "$APP_UID" -g big app && \
    chown app:big /srv && \
    useradd -l -u "$(id -u)" other
USER app:big
USER 0
