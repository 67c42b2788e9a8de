ARG V=1
FROM alpine:3.20
ARG V=2
ARG V
ARG V=2
ARG P=${TARGETPLATFORM#linux/}
ARG P=${P%%/*}
RUN echo $V $P
FROM alpine:3.20
ARG V=3
RUN echo $V
