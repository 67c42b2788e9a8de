FROM alpine:3.20
RUN true
ENV \
    PATH /opt/bin:$PATH
