FROM alpine:3.20
CMD ["node", "server.js"]
ENTRYPOINT ["tini", "--"]
RUN echo shell form is fine for RUN
