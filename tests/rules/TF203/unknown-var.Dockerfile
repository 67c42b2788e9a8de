FROM debian:12-slim
USER ${APP_UID}
