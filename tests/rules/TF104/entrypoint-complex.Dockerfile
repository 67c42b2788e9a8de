FROM alpine:3.20
ENTRYPOINT exec java -jar "$APP"
