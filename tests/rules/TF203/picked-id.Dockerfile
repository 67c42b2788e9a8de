FROM debian:12-slim
RUN useradd -m app
USER app
