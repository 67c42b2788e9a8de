FROM debian:12-slim
COPY app /app
RUN chmod -R 777 /app
