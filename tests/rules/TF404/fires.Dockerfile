FROM debian:12
RUN groupadd users
RUN groupadd app && useradd -u 10001 app
FROM node:20
RUN useradd -m node
