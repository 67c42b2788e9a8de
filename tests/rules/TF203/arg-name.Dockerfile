FROM debian:12-slim
ARG APP_USER=app
RUN useradd -l -u 10001 -U "$APP_USER"
USER $APP_USER
