FROM alpine:3.20
HEALTHCHECK NONE
healthcheck \
  CMD true
