FROM ubuntu:24.04
RUN usermod -l www-data ubuntu
RUN groupmod -n app ubuntu && useradd -g app app
