FROM alpine:3.20
LABEL description A small image
ENV MSG "hello world"
ENV Q say "hi" now
