FROM debian:12-slim
RUN useradd -l -u 10001 -U app
USER 10001:10001
USER root
RUN apt-get update
