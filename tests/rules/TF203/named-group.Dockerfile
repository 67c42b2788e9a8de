FROM debian:12-slim
RUN groupadd -g 10002 app \
    && useradd -l -u 10001 -g app -m app
USER app:app
