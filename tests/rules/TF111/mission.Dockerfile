FROM tensorflow/tensorflow:latest-gpu # Replace with desired TF version

# Create a new user and group
ARG USER_ID=1001
ARG GROUP_ID=1001
RUN groupadd -g ${GROUP_ID} tfuser && \
    useradd -u ${USER_ID} -g ${GROUP_ID} -m tfuser

# Set permissions for the working directory
RUN chown -R tfuser:tfuser /root

# Switch to the new user
USER tfuser

# Verify the change
CMD ["whoami"]
