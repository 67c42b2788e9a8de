FROM ubuntu:22.04
RUN useradd -l -u 1000000 a && \
    useradd --no-log-init -u 2000000 b && \
    useradd -lmu 3000000 c && \
    useradd -u 99999 d && \
    usermod -u 500000 d
FROM debian:12
RUN useradd -u 500000 e
