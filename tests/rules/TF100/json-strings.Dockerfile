FROM alpine:3.20
RUN ["sleep", 1]
