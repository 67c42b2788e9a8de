FROM alpine:3.20 AS build
FROM build AS test
FROM scratch
COPY --from=build /a /a
