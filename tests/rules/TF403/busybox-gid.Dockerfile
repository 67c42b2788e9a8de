FROM alpine:3.20
RUN adduser -D -u 999 redis
RUN addgroup -g 1000 redis2 && adduser -D -G redis2 -u 998 redis2
