FROM debian:12-slim
RUN mkdir -p /data && chown -R 10001:10001 /data
