FROM debian:12-slim
RUN useradd -l -u 10001 -U app
COPY . /app
RUN chown -R app:app /app
USER 10001:10001
