FROM debian:12-slim
ARG APP_UID=10001
RUN useradd -l -u ${APP_UID} -U app
USER ${APP_UID}
