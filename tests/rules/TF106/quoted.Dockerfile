FROM alpine:3.20
MAINTAINER "Jane" <jane@example.com>
