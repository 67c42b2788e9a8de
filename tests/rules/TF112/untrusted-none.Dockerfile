FROM quay.io/prometheus/busybox:1.36
COPY --from=ghcr.io/acme/tools:1 /bin/tool /bin/
