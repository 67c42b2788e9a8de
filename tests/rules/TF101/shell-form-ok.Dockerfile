FROM alpine:3.20
RUN echo hi # the shell drops this
CMD echo hi # and this
ENTRYPOINT exec sh # this too
HEALTHCHECK CMD true # and this
ENV A=b#c
