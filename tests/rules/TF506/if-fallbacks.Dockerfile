FROM debian:12
ARG USER_ID=10001
ARG GROUP_ID=10001
RUN if [ -z "${USER_ID}" ]; then USER_ID=10001; fi && \
    if [ -z "${GROUP_ID}" ]; then GROUP_ID=10001; fi && \
    groupadd -g ${GROUP_ID} app && \
    useradd -l -u ${USER_ID} -g ${GROUP_ID} app
