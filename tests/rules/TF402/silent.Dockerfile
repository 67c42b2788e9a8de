FROM debian:12
RUN useradd -l -u 65534 a && \
    useradd -l -u 65535 b && \
    useradd -l -u 4294967296 c && \
    useradd -l -u 10001 d
USER 65534
