FROM debian:12-slim AS build
RUN useradd -l -u 10001 -U app
USER app

FROM debian:12-slim
USER 10001
