FROM alpine:3.20
ARG NPM_TOKEN
ENV A=1 DB_Password=x
ENV aws_secret_access_key y
ARG GITHUB_APIKEY=
RUN echo $NPM_TOKEN $GITHUB_APIKEY
