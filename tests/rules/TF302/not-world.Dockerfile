FROM debian:12-slim
RUN mkdir -p /scratch && chmod 1777 /scratch \
    && chmod +w /scratch && chmod 755 /usr/local/bin/app && chmod go-w /etc/app
