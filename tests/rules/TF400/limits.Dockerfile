FROM debian:12
RUN useradd -l -u 4294967295 a && \
    useradd -l -u 3000000000 b && \
    groupadd -g 65535 c && \
    useradd -l --uid=-5 d && \
    groupadd --gid abc e
