FROM alpine:3.20
RUN apk add --no-cache shadow && useradd -u 10001 app
FROM debian:12
RUN adduser --disabled-password --uid 10001 web
FROM debian:13
RUN apt-get update && apt-get install -y adduser && adduser --uid 10002 x
FROM registry.example.com/x:1
RUN useradd y
