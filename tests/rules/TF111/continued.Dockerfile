FROM \
    python AS app
