FROM debian:12
RUN groupadd app && useradd -g app app
RUN groupadd -f app && useradd -N other
RUN id app || useradd app2 && adduser --system --group app2
FROM registry.example.com/x:1
RUN groupadd users
