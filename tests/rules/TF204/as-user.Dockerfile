FROM debian:12-slim
RUN useradd -l -u 10001 -U app
USER app
RUN echo start \
    && sudo apt-get install -y curl
