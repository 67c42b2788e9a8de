FROM debian:12
ARG APP_UID=10001
RUN set -eux; \
    groupadd -g "${APP_UID:-1000}" app; \
    useradd -l \
        -u ${APP_UID:=1000} app
