FROM debian:12
ARG APP_UID=10001
ARG APP_HOME=/srv/app
RUN : ${APP_HOME:=/srv/app} && \
    [ -z "$APP_UID" ] && APP_UID=10001; \
    useradd -l -d "$APP_HOME" -u "${APP_UID:-10001}" app
