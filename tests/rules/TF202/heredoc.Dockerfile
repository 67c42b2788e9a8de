FROM ubuntu:24.04
RUN <<EOF
set -eux
usermod -aG video ubuntu
userdel -r ghost
EOF
RUN chown -R ubuntu:ubuntu /home/ubuntu \
    && chgrp -R nogroup /srv
