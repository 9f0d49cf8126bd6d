#!/usr/bin/env bash
# Starts a three-node Docker Swarm (1 manager, 2 workers), each node a Docker-in-Docker container
# on one user-defined bridge, with the sandbox image loaded into every node and an internal
# overlay for the sandboxes. Idempotent: what already runs is kept. The host engine's own swarm
# state is never touched. Undo with scripts/cluster/down.sh.      env: PGSBX_CLUSTER, SANDBOX_IMAGE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

"$here/node-image.sh"
docker image inspect "$sandbox_image" >/dev/null 2>&1 || { echo "no $sandbox_image: run images/build.sh first" >&2; exit 1; }
docker network inspect "$bridge" >/dev/null 2>&1 || docker network create "$bridge" >/dev/null
mkdir -p "$api_dir" && chmod 0700 "$api_dir"

start_node() {
  local node=$1 extra=()
  if [ "$(docker inspect -f '{{.State.Running}}' "$node" 2>/dev/null)" = true ]; then return; fi
  docker rm -f "$node" >/dev/null 2>&1 || true
  # --privileged is refused on this kind of host (no CAP_SYS_RESOURCE), so: every capability but
  # that one, no seccomp/apparmor/masked paths, the host's cgroup tree writable, and each node's
  # engine under its own cgroup parent (down.sh removes it). no-new-privileges is set on the
  # nodes' engines because a swarm service spec cannot carry it before API 1.46 (docs/SWARM.md).
  [ "$node" = "$manager" ] && extra=(-v "$api_dir:/pgsbx-api")
  local daemon=(--cgroup-parent="/$node" --no-new-privileges)
  [ "$node" = "$manager" ] && daemon+=(-H unix:///var/run/docker.sock -H unix:///pgsbx-api/manager.sock)
  docker run -d --name "$node" --hostname "$node" --network "$bridge" --label pgsbx.cluster="$cluster" \
    --cap-add=ALL --cap-drop=SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v "$node-docker:/var/lib/docker" --tmpfs /run --tmpfs /tmp \
    "${extra[@]}" "$node_image" "${daemon[@]}" >/dev/null
  say "started $node"
}

wait_engine() {
  for _ in $(seq 1 60); do on "$1" info >/dev/null 2>&1 && return; sleep 0.5; done
  echo "the engine in $1 did not come up:" >&2; docker logs --tail 20 "$1" >&2; exit 1
}

for n in "${nodes[@]}"; do start_node "$n"; done
for n in "${nodes[@]}"; do wait_engine "$n"; done

if [ "$(on "$manager" info -f '{{.Swarm.LocalNodeState}}')" != active ]; then
  addr=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$bridge\").IPAddress}}" "$manager")
  on "$manager" swarm init --advertise-addr "$addr" >/dev/null
  say "swarm initialised on $manager ($addr)"
fi
token=$(on "$manager" swarm join-token -q worker)
members=$(on "$manager" node ls -q)
node_id() { on "$1" info -f '{{.Swarm.NodeID}}'; }
for n in "${nodes[@]:1}"; do
  id=$(node_id "$n")
  [ -n "$id" ] && grep -qx "$id" <<<"$members" && continue
  # A worker left over from another swarm (the manager's volume was removed): leave, then join.
  [ -z "$id" ] || on "$n" swarm leave --force >/dev/null 2>&1 || true
  on "$n" swarm join --token "$token" "$manager:2377" >/dev/null
  say "$n joined"
done
# Nodes that left for good (a re-created worker joins under a new id) stay listed as down.
for id in $(on "$manager" node ls -q -f role=worker); do
  [ "$(on "$manager" node inspect -f '{{.Status.State}}' "$id")" = down ] && on "$manager" node rm --force "$id" >/dev/null || true
done
# Each node labelled with its number, for SANDBOX_PLACEMENT (e.g. node.labels.pgsbx.node!=1).
for i in 1 2 3; do on "$manager" node update --label-add "pgsbx.node=$i" "$(node_id "${nodes[$((i - 1))]}")" >/dev/null; done

want=$(docker image inspect -f '{{.Id}}' "$sandbox_image")
for n in "${nodes[@]}"; do
  [ "$(on "$n" image inspect -f '{{.Id}}' "$sandbox_image" 2>/dev/null || true)" = "$want" ] && continue
  say "loading $sandbox_image into $n"
  docker save "$sandbox_image" | docker exec -i "$n" docker load -q >/dev/null
done

on "$manager" network inspect "$overlay" >/dev/null 2>&1 \
  || on "$manager" network create -d overlay --internal --attachable --label pgsbx.cluster="$cluster" "$overlay" >/dev/null

ready=$(on "$manager" node ls -f role=worker --format '{{.Status}}' | grep -c Ready || true)
say "up: 1 manager + $ready ready workers; overlay $overlay"
cat <<MSG
Reach the manager's engine (root only) with:
  DOCKER_HOST=unix://$manager_sock docker node ls
Run the controller against it:
  SANDBOX_RUNTIME=swarm SANDBOX_DOCKER_HOST=unix://$manager_sock SANDBOX_SWARM_NETWORK=$overlay npm start
MSG
