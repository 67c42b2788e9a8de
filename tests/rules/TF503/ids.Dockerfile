FROM debian:12
ARG APP_UID
ARG APP_GID=
ARG OWNER
RUN groupadd -g "$APP_GID" app && \
    useradd -l \
        -u ${APP_UID} -g app app && \
    chown -R "$OWNER" /srv
COPY --chown=${OWNER} . /srv
