FROM alpine:3.20 AS test
USER nobody
RUN ./run-tests

FROM alpine:3.20
USER 10001:10001
