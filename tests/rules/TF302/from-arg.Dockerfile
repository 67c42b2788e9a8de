FROM debian:12-slim
ARG MODE=0666
RUN chmod "$MODE" /etc/app.conf
