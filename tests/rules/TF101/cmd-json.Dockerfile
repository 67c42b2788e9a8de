FROM alpine:3.20
CMD ["whoami"] # who am I
