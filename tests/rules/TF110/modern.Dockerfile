FROM alpine:3.20
ENV A=1 B="two words"
LABEL x=y
ARG V 1
