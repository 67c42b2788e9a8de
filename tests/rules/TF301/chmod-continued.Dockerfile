FROM debian:12-slim
ADD tool.tar.gz /opt/
RUN set -eux; \
    chmod -R 755 /opt/tool /usr/local/bin
