FROM --platform=linux/amd64 ubuntu:latest AS base
