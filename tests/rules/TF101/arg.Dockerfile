FROM alpine:3.20
ARG VERSION=1.0 # the release
