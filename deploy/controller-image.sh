#!/usr/bin/env bash
# Builds the controller image from this checkout's `npm run build` output, with production
# dependencies installed on the host (deploy/Dockerfile.controller, target `prebuilt`): for
# machines whose docker build cannot reach the npm registry. The image is the same as the
# Dockerfile's default target's. Run `npm ci && npm run build` first.
#   deploy/controller-image.sh            env: CONTROLLER_IMAGE (default pgsbx/controller), BASE_IMAGE
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
image=${CONTROLLER_IMAGE:-pgsbx/controller}
base=${BASE_IMAGE:-}
if [ -z "$base" ]; then
  base=debian:trixie-slim
  docker image inspect "$base" >/dev/null 2>&1 || base=pgsbx-base:trixie # images/build.sh makes it
fi
for d in contract/dist controller/dist web/dist; do
  [ -d "$root/$d" ] || { echo "no $d: run npm run build first" >&2; exit 1; }
done
# Built again only when the build output or the lock file changed (content-hash label).
hash=$(cd "$root" && { sha256sum package-lock.json deploy/Dockerfile.controller; find contract/dist controller/dist web/dist -type f | LC_ALL=C sort | xargs sha256sum; } | sha256sum | cut -c1-16)
current=$(docker image inspect "$image" --format '{{ index .Config.Labels "pgsbx.hash" }}' 2>/dev/null || true)
if [ "$current" = "$hash" ]; then
  echo "image $image is up to date ($hash)"
  exit 0
fi
stage=$(mktemp -d /tmp/pgsbx-controller-image.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cp "$root/package.json" "$root/package-lock.json" "$stage/"
for w in contract controller web; do
  mkdir -p "$stage/$w"
  cp "$root/$w/package.json" "$stage/$w/"
  cp -a "$root/$w/dist" "$stage/$w/"
done
(cd "$stage" && npm ci --omit=dev --no-audit --no-fund --loglevel=error --ignore-scripts >/dev/null)
docker build -q -f "$root/deploy/Dockerfile.controller" --target prebuilt --build-arg BASE_IMAGE="$base" --label pgsbx.hash="$hash" -t "$image" "$stage" >/dev/null
echo "built $image ($(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"
