FROM ubuntu:24.04
RUN groupadd -g 1000 a || true
RUN getent passwd 1000 || useradd -u 1000 b
RUN useradd -o -u 1000 c && groupadd -f -g 1000 d
RUN useradd -u 10001 e && useradd f
FROM registry.example.com/x:1
RUN useradd -u 1000 g
