FROM alpine:3.20
EXPOSE 8080 # http
