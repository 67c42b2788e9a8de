FROM golang:1.22 AS build
RUN useradd -u 10001 app
FROM scratch
COPY --from=build /etc/passwd /etc/passwd
USER app
