FROM alpine:3.20 as build
RUN true
from alpine:3.20 AS test
run true
from build As last
run true
