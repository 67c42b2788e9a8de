FROM debian:12-slim
RUN chgrp -R staff ~
