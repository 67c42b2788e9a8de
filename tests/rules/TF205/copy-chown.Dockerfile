FROM alpine:3.20
COPY --chown=nobody:nogroup app /app
