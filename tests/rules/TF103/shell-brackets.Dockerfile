FROM alpine:3.20
RUN [ -f /etc/os-release ] && cat /etc/os-release
RUN [[ -d /tmp ]]
RUN [Net.ServicePointManager]::SecurityProtocol = 'Tls12'
CMD [ "$X" = 1 ] || exit 1
