FROM debian:12-slim AS base
USER root

FROM base
COPY app /app
