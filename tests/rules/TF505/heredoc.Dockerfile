# syntax=docker/dockerfile:1
FROM debian:12
ARG APP_GID=10001
RUN <<EOF
set -e
groupadd -g "${APP_GID:-999}" app
EOF
RUN python3 <<EOF
print("${APP_GID:-5}")
EOF
