FROM alpine:3.20
CMD [ "pwsh", "-NoLogo" ] \
  Write-Host hi
