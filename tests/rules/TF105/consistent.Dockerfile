FROM alpine:3.20 AS build
RUN true
ONBUILD run true
CMD ["sh"]
