FROM debian:12
RUN groupadd -g 10001 app && useradd -u 10001 -g app -m app && \
    chown -R app:app /home/app && chown 10002:10002 /data
COPY --chown=www-data:www-data site/ /var/www/
RUN chown ghost /x || true
USER 10001:10001
USER app
