FROM debian:12-slim
RUN useradd -l -u 10001 -U app && chown app:app /srv
USER app:nogroup
