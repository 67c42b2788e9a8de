FROM golang:1.22 AS build
RUN useradd -u 10001 builder
FROM debian:12
COPY --from=build /go/bin/app /app
USER builder
