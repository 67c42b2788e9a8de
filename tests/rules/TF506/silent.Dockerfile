FROM debian:12
ARG NO_DEFAULT
ARG EMPTY=
ARG OTHER=10001
RUN useradd -l -u "${NO_DEFAULT:-10001}" a && \
    useradd -l -u "${EMPTY:-10002}" b && \
    useradd -l -u "${OTHER:-10003}" c && \
    useradd -l -u "${UNDECLARED:-10004}" d && \
    echo "${OTHER-10001}" "${OTHER:+10001}"
