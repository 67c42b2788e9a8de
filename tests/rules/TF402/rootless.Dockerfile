FROM debian:12
ARG APP_UID=70000
RUN useradd -l -u ${APP_UID} app && \
    chown 65536 /srv
USER 1000000:70000
