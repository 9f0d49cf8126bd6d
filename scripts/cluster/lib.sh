# Names shared by up.sh and down.sh. PGSBX_CLUSTER picks another cluster (tests, parallel helpers).
cluster=${PGSBX_CLUSTER:-pgsbx-cluster}
nodes=("$cluster-1" "$cluster-2" "$cluster-3")
manager=${nodes[0]}
bridge="$cluster-net"
# Where the manager publishes its engine to the host: a Unix socket, so only the host's root reaches it.
api_dir=/run/$cluster
manager_sock=$api_dir/manager.sock
# The overlay the sandboxes join: internal (no route out), attachable (the controller may join it).
overlay=${PGSBX_CLUSTER_OVERLAY:-pgsbx-sandboxes}
node_image=pgsbx/cluster-node:trixie
sandbox_image=${SANDBOX_IMAGE:-pgsbx/postgres:17}

on() { local node=$1; shift; docker exec "$node" docker "$@"; }
say() { echo "cluster: $*"; }
