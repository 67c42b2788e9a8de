FROM debian:12-slim
RUN useradd -l -u 10001 -U app
RUN chown -R app /root
