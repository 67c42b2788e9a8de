FROM alpine:3.20
COPY ["a" "b"] /x/
