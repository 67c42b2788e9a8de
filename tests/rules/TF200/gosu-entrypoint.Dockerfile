FROM debian:12-slim
RUN useradd -l -r -u 999 -U app \
    && apt-get update && apt-get install -y gosu
COPY entrypoint.sh /
ENTRYPOINT ["/entrypoint.sh"]
