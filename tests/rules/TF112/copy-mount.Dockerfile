FROM golang:1.22 AS build
RUN --mount=type=cache,target=/root/.cache \
    --mount=type=bind,from=gcr.io/distroless/base:nonroot,target=/d true
COPY --from=build /out /out
COPY --from=0 /out /out2
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
COPY --from=ghcr.io/acme/tools:1 /bin/tool /bin/
RUN --mount=from=build,target=/b true
