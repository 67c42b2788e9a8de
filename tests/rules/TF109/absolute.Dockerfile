FROM alpine:3.20
WORKDIR /app
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\\app
FROM alpine:3.20
WORKDIR c:/app
