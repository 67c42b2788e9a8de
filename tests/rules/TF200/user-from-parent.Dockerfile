FROM debian:12-slim AS base
RUN useradd -l -u 10001 -U app
USER 10001:10001

FROM base
COPY app /app
