FROM debian:12
RUN groupadd app && \
    useradd -r svc && \
    useradd -m -g app app && \
    chown 0:0 /srv && chown 500 /opt
COPY --chown=999:999 . /srv
