FROM debian:12-slim
RUN mkdir /data \
    && chmod o+w,g+w /data
COPY --chmod=666 conf /etc/app/
