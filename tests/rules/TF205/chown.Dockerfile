FROM debian:12-slim
RUN mkdir -p /data \
    && chown -R nobody:nogroup /data
USER 10001
