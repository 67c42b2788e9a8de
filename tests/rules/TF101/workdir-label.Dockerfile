FROM alpine:3.20
WORKDIR /app # x
LABEL team infra # owners
VOLUME ["/data"] # state
