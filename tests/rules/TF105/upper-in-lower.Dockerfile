from alpine:3.20
run echo hi
workdir /app
CMD ["sh"]
