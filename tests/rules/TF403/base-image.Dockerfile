FROM ubuntu:24.04
ARG USER_ID=1000
RUN groupadd -g 1000 app && \
    useradd -l -u ${USER_ID} -g app -m app
