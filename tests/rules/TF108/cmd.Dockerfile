FROM alpine:3.20
CMD ["sh"]
RUN true
CMD ["whoami"]
