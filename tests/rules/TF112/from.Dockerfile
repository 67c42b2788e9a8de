FROM alpine:3.20 AS base
FROM registry.example.com/team/app:1.0
FROM quay.io/prometheus/busybox:1.36
FROM localhost:5000/dev/tool:2
FROM base
FROM ghcr.io/acme/x:1
FROM scratch
