FROM registry.example.com/base:1
RUN sudo -u app make
