ARG BASE_UID=20000
FROM debian:12
ARG BASE_UID
RUN if [ -z "$BASE_UID" ]; then BASE_UID=1000; fi && \
    [ -n "$BASE_UID" ] || BASE_UID=2000; \
    useradd -l -u "$BASE_UID" app
