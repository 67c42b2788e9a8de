FROM registry.example.com/team/base:1.2
RUN chown -R app:app /srv
USER app
