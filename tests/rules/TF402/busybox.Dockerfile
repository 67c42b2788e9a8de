FROM alpine:3.20
RUN addgroup -g 300000 app && \
    adduser -D -u 256001 -G app app && \
    adduser -D -u 100000 other
