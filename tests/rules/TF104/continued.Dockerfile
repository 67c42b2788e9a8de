FROM alpine:3.20
CMD python \
    app.py
