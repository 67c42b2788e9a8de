FROM ubuntu:22.04
ARG BIG_UID=1000000
RUN groupadd -g 100000 app && \
    useradd \
        -m \
        -u ${BIG_UID} -g app app
RUN adduser --uid 200000 --disabled-password other
