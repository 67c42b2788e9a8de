FROM alpine:3.20 AS a
ARG APP_UID=10001
RUN adduser -D -u "$APP_UID" app
FROM alpine:3.20
RUN echo $LATER
FROM alpine:3.20
ARG LATER=1
RUN echo $LATER
