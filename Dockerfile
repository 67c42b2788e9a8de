# syntax=docker/dockerfile:1
#
# tflint in a container, built from this checkout:
#
#   docker build -t tflint .
#   docker run --rm -v "$PWD:/src:ro" tflint Dockerfile
#
# The build stage compiles a static binary on Debian 12 (the platform CI
# tests); the final image holds that binary and nothing else, so it has no
# shell, no package manager and no account database, and runs as the
# numeric user 65532 (the "nonroot" ID distroless images use). The
# pre-commit hook tflint-docker builds this file and mounts the repository
# at /src.

FROM debian:12.8-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        binutils cmake gcc libc6-dev libpcre2-dev libyaml-dev make pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/tflint
COPY . .
RUN cmake -S . -B /tmp/build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        -DTFL_STATIC=ON \
    && cmake --build /tmp/build --target tflint -j"$(nproc)" \
    && strip /tmp/build/tflint \
    && /tmp/build/tflint --version

FROM scratch
COPY --from=build /tmp/build/tflint /usr/local/bin/tflint
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/tflint"]
