# A swarm node for tests: the debootstrap base the setup already makes + Debian's Docker engine.
# Runs as its own dockerd (Docker-in-Docker); see scripts/cluster/up.sh for how it is started.
ARG BASE_IMAGE=pgsbx-base:trixie
FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends docker.io docker-cli iptables ca-certificates procps \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*
VOLUME /var/lib/docker
ENTRYPOINT ["dockerd"]
