FROM tensorflow/tensorflow:latest-gpu # Replace with desired TF version

RUN chown -R nobody:nogroup /root
USER nobody

# Verify the change
CMD ["whoami"]
