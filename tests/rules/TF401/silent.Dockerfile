FROM debian:12
ARG APP_UID=10001
RUN groupadd -g 10001 app && \
    useradd -l -u "$APP_UID" -g 10001 app && \
    chown -R 10001:10001 /srv
USER 10001:10001
USER root
USER 0:0
