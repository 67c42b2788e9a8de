FROM alpine:3.20
RUNN echo hi
COPY --chwon=a:b . /x
