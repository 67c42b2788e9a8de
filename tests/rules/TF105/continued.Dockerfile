FROM alpine:3.20
RUN echo a \
    b
Env A=1
