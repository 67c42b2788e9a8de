ARG REGISTRY=quay.io
ARG UNSET
FROM ${REGISTRY}/app:1
FROM $UNSET/app:1
FROM library/debian:12
FROM docker.io/library/ubuntu:24.04
