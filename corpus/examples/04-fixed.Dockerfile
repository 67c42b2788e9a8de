# The first example, fixed: a pinned tag, IDs above the host's range,
# no lastlog bloat, a home of the user's own and a numeric USER.
FROM tensorflow/tensorflow:2.16.1-gpu

ARG USER_ID=10001
ARG GROUP_ID=10001
RUN groupadd -g "${GROUP_ID}" tfuser \
    && useradd -l -u "${USER_ID}" -g "${GROUP_ID}" -m -d /home/tfuser tfuser

WORKDIR /home/tfuser
USER 10001:10001

CMD ["whoami"]
