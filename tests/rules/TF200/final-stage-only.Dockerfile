FROM golang:1.22 AS build
USER 10001
RUN go build -o /out/app .

FROM \
    debian:12-slim
COPY --from=build /out/app /app
