FROM alpine:3.20
ONBUILD COPY app /srv/ # for children
