FROM alpine:3.20
LABEL RUN docker run -d --privileged --pid=host -v /:/host IMAGE /container/atomic-run
