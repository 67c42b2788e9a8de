FROM debian:12
ARG APP_USER=app
RUN mkdir -p /srv/app && \
    chown -R ${APP_USER}:staff /srv/app
COPY --chown=web:web site/ /var/www/
RUN useradd -g developers -G adm,docker dev
USER ${APP_USER}
