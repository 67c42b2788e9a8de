FROM alpine:3.20 AS base
SHELL ["/bin/ash", "-c"]
CMD echo base
FROM base AS child
CMD echo child
FROM alpine:3.20
CMD echo other
SHELL ["/bin/ash", "-c"]
