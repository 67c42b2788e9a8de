FROM debian:12-slim
COPY app /app
RUN chown 10001 /app
