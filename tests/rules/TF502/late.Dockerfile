FROM alpine:3.20
RUN adduser -D -u "$APP_UID" app
USER ${APP_UID}
ARG APP_UID=10001
