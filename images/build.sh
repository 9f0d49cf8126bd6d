#!/usr/bin/env bash
# Builds the sandbox image only when it is missing or its sources changed (content-hash label).
# Where no registry can be reached, the base image is made here with debootstrap + docker import.
#   images/build.sh [--force]        env: SANDBOX_IMAGE (default pgsbx/postgres:17)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${SANDBOX_IMAGE:-pgsbx/postgres:17}
base=${BASE_IMAGE:-debian:trixie-slim}
local_base=pgsbx-base:trixie

hash=$(cd "$here/postgres" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
current=$(docker image inspect "$image" --format '{{ index .Config.Labels "pgsbx.hash" }}' 2>/dev/null || true)
if [ "${1:-}" != "--force" ] && [ "$current" = "$hash" ]; then
  echo "image $image is up to date ($hash)"
  exit 0
fi

debian_mirror() {
  # The mirror apt on this machine already uses.
  local m
  m=$(grep -rhoE '(https?://[^ ]+/debian)/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
      | grep -v security | head -n1 | tr -d ' ' || true)
  [ -z "$m" ] && m=$(grep -rhE '^URIs:.*debian' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)
  echo "${m:-http://deb.debian.org/debian}"
}

if ! docker image inspect "$base" >/dev/null 2>&1; then
  if [ -z "${BASE_IMAGE:-}" ] && docker image inspect "$local_base" >/dev/null 2>&1; then
    base=$local_base
  elif timeout 60 docker pull -q "$base" >/dev/null 2>&1; then
    :
  else
    echo "cannot pull $base: making $local_base with debootstrap"
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
    rootfs=$(mktemp -d /tmp/pgsbx-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase trixie "$rootfs" "$(debian_mirror)" >/tmp/pgsbx-debootstrap.log 2>&1 \
      || { tail -20 /tmp/pgsbx-debootstrap.log; exit 1; }
    tar -C "$rootfs" -c . | docker import - "$local_base" >/dev/null
    base=$local_base
  fi
fi

echo "building $image from $base ($hash)"
start=$(date +%s)
log=$(mktemp /tmp/pgsbx-image-build.XXXXXX.log)
docker build --build-arg BASE_IMAGE="$base" --label pgsbx.hash="$hash" -t "$image" "$here/postgres" >"$log" 2>&1 \
  || { tail -40 "$log"; echo "image build failed (full log: $log)"; exit 1; }
rm -f "$log"
echo "built $image in $(( $(date +%s) - start ))s, $(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"
