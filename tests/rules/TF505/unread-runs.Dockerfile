# RUNs the ops leave unsplit (a package manager, a make, nothing at all)
# still have their fallbacks read, also for an ARG of the parent stage.
ARG GLOBAL_VER=3
FROM debian:12 AS base
ARG PG_VER=16
RUN apt-get install -y "postgresql-${PG_VER:-15}"
RUN make -j"${JOBS:-2}" VERSION="${GLOBAL_VER:-2}"
FROM base
RUN apt-get install -y "postgresql-client-${PG_VER:-14}"
RUN echo "${PG_VER:-13}"
FROM debian:12
RUN echo "${PG_VER:-12}"
