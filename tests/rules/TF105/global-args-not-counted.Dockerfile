arg A=1
arg B=2
arg C=3
FROM alpine:3.20
RUN echo $A
