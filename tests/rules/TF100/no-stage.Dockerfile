RUN true
FROM alpine:3.20
