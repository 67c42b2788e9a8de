FROM debian:trixie-slim
RUN addgroup --gid 10001 app && adduser --uid 10001 --ingroup app app
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN useradd -u 10001 app
FROM gcr.io/distroless/static-debian12
RUN ["sh", "-c", "adduser -D app"]
