#!/usr/bin/env bash
# Removes what up.sh made: the node containers (and with them every sandbox in them), their
# volumes, the bridge, the nodes' cgroups and the manager's socket directory. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
for n in "${nodes[@]}"; do
  docker rm -f "$n" >/dev/null 2>&1 && say "removed $n" || true
  docker volume rm "$n-docker" >/dev/null 2>&1 || true
  # The node's engine put its containers under /NODE in every hierarchy; children first.
  for d in /sys/fs/cgroup/*/"$n"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
done
docker network rm "$bridge" >/dev/null 2>&1 || true
rm -rf "$api_dir"
left=$(ls -d /sys/fs/cgroup/*/"$cluster"-[123] 2>/dev/null || true)
[ -z "$left" ] || { echo "cgroups still busy: $left" >&2; exit 1; }
say "down"
