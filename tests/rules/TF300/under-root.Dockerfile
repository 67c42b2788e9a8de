FROM debian:12-slim
RUN useradd -l -u 10001 -U app \
    && mkdir -p /root/.cache \
    && chown 10001 /root/.cache/
