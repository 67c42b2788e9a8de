ARG A=$B
ARG B=1
FROM alpine:$A
