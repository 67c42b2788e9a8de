FROM alpine:3.20
RUN a \
# a note
  b

RUN c
