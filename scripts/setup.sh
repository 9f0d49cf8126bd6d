#!/usr/bin/env bash
# Sets up everything postgres-sandbox needs on a Debian machine with Node 20+, idempotently:
# the Docker engine (installed and started when absent), the sandbox image (built when missing or
# changed), npm dependencies, the build. With --test also Chromium for the browser tests and
# docker-compose for the deployment test of deploy/compose.yaml.
# Needs root (apt, dockerd, and the controller's peer-authenticated socket to each sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=false
[ "${1:-}" = "--test" ] && want_test=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_ready=false
apt_install() {
  if ! $apt_ready; then as_root apt-get update -qq; apt_ready=true; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "Node 20 or newer is needed (found $(node --version))"; exit 1; }

# --- Docker engine -------------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    say "installing the Docker engine (docker.io)"
    apt_install docker.io
  fi
  if ! docker info >/dev/null 2>&1; then
    say "starting dockerd (log: /var/log/dockerd.log)"
    as_root sh -c 'setsid nohup dockerd >/var/log/dockerd.log 2>&1 < /dev/null &'
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -20 /var/log/dockerd.log; echo "dockerd did not start"; exit 1; }
  fi
fi

# --- the sandbox image ---------------------------------------------------------------------
say "sandbox image"
command -v debootstrap >/dev/null 2>&1 || docker image inspect pgsbx-base:trixie >/dev/null 2>&1 \
  || docker image inspect "${SANDBOX_IMAGE:-pgsbx/postgres:17}" >/dev/null 2>&1 || apt_install debootstrap
images/build.sh

# --- Chromium for the browser tests ----------------------------------------------------------
if $want_test && [ ! -x /usr/bin/chromium ]; then
  say "installing Chromium for the browser tests"
  apt_install chromium
fi
# docker-compose (Debian's, 1.29) for the test that deploys deploy/compose.yaml
if $want_test && ! command -v docker-compose >/dev/null 2>&1; then
  say "installing docker-compose for the deployment test"
  apt_install --no-install-recommends docker-compose # the engine is the one above (it Recommends docker.io)
fi

# --- npm dependencies and the build ----------------------------------------------------------
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.pgsbx-lock 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.pgsbx-lock
fi
say "building"
npm run build --silent
say "ready"
