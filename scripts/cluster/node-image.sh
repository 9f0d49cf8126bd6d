#!/usr/bin/env bash
# Builds the cluster node image (Debian's Docker engine on the debootstrap base) when it is missing
# or node.Dockerfile changed. No registry is needed: the base is the one images/build.sh makes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
hash=$(sha256sum "$here/node.Dockerfile" | cut -c1-16)
[ "$(docker image inspect -f '{{index .Config.Labels "pgsbx.hash"}}' "$node_image" 2>/dev/null || true)" = "$hash" ] && exit 0
base=pgsbx-base:trixie
docker image inspect "$base" >/dev/null 2>&1 || base=debian:trixie-slim
docker image inspect "$base" >/dev/null 2>&1 || timeout 60 docker pull -q "$base" >/dev/null 2>&1 \
  || { echo "no base image: run images/build.sh (it makes pgsbx-base:trixie with debootstrap)" >&2; exit 1; }
echo "cluster: building $node_image from $base"
log=$(mktemp /tmp/pgsbx-node-build.XXXXXX.log)
docker build --build-arg BASE_IMAGE="$base" --label pgsbx.hash="$hash" -t "$node_image" -f "$here/node.Dockerfile" "$here" >"$log" 2>&1 \
  || { tail -30 "$log"; echo "node image build failed (log: $log)" >&2; exit 1; }
rm -f "$log"
