FROM alpine:3.20
RUN apk add --no-cache curl && \
    groupadd -g 10001 app && useradd -u 10001 -g app app
