FROM debian:12
RUN groupadd -g 10001 a && groupadd -g 10001 b
RUN useradd -u 10001 a -g a && adduser --uid 10001 --disabled-password c
FROM node:20
RUN useradd -u 1000 other
