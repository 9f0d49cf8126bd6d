#!/usr/bin/env bash
# npm run test:cluster: the deployment tests (controller/test/cluster) against a real three-node
# Docker-in-Docker swarm. Brings the cluster up (scripts/cluster/up.sh), builds the controller
# image (deploy/controller-image.sh) and runs jest's `cluster` project. A cluster this script
# started is taken down again at the end, pass or fail (PGSBX_CLUSTER_KEEP=1 keeps it for the
# next run); one that was already up is left as it was. Needs `npm run build` output for web/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$root/scripts/cluster/lib.sh"
cd "$root"
was_up=$(docker inspect -f '{{.State.Running}}' "$manager" 2>/dev/null || true)
if [ "$was_up" != true ] && [ -z "${PGSBX_CLUSTER_KEEP:-}" ]; then
  trap 'bash "$root/scripts/cluster/down.sh"' EXIT
fi
bash scripts/cluster/up.sh
[ -d web/dist ] || npm run build -w web
npm run build -w contract -w controller
bash deploy/controller-image.sh
cd controller
npx jest --runInBand --selectProjects cluster -- "$@"
