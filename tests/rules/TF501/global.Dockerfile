ARG VERSION=1.2.3
FROM alpine:3.20
RUN wget https://example.com/tool-$VERSION.tgz \
    && echo "${VERSION}"
LABEL version=$VERSION
