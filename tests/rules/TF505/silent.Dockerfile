FROM debian:12
ARG APP_UID=10001
ARG NO_DEFAULT
RUN useradd -l -u "${APP_UID:-10001}" app && \
    useradd -l -u "${NO_DEFAULT:-10002}" b && \
    useradd -l -u "${APP_UID:-$OTHER}" c
CMD echo ${APP_UID:-1}
