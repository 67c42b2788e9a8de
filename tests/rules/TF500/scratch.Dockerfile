FROM scratch
COPY --chown=${APP_UID}:0 app /app
