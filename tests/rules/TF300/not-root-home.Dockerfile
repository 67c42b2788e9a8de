FROM debian:12-slim
RUN chown -R root:root /root && chmod 700 /root \
    && useradd -l -u 10001 -U -m app && chown -R app:app /home/app
