FROM debian:12-slim
RUN chmod 775 /root && chmod -R a+w /root/.npm
