FROM debian:12-slim
RUN useradd -l -u 10001 -U -m app
USER app
