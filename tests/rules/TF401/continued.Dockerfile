FROM debian:12
ARG USER_ID=1001
ARG GROUP_ID=1001
RUN groupadd -g ${GROUP_ID} app && \
    useradd \
        -m \
        -u ${USER_ID} -g ${GROUP_ID} app
USER 1000:1000
