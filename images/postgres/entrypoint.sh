#!/bin/sh
# Copy the pristine cluster onto the tmpfs data directory, then become postgres.
# The template databases (template1 = base/1, template0 = base/4) are not copied: they are
# symlinked to the image's read-only copy. Nobody can connect to them (ALLOW_CONNECTIONS false)
# and they are frozen, so Postgres never writes them; that saves ~15 MB of tmpfs (memory) per
# sandbox. Only the user's database, the shared catalogs and the WAL live on the tmpfs.
# PGSBX_COPY_TEMPLATES=1 (the controller's control database, on a persistent volume) copies them
# too, so that volume is a whole cluster: it outlives image rebuilds and backs up on its own.
# PG_VERSION is copied last: a copy cut short is redone on the next start.
set -eu
PGDATA=/var/lib/postgresql/data
PRISTINE=/var/lib/postgresql/pristine
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  for entry in "$PRISTINE"/* "$PRISTINE"/.[!.]*; do
    [ -e "$entry" ] || continue
    case "$(basename "$entry")" in base|PG_VERSION) continue ;; esac
    cp -a "$entry" "$PGDATA/"
  done
  mkdir -p -m 0700 "$PGDATA/base"
  for db in "$PRISTINE"/base/*; do
    case "$(basename "$db")" in
      1|4) if [ "${PGSBX_COPY_TEMPLATES:-}" = 1 ]; then cp -a "$db" "$PGDATA/base/"; else ln -sfn "$db" "$PGDATA/base/$(basename "$db")"; fi ;;
      *) cp -a "$db" "$PGDATA/base/" ;;
    esac
  done
  cp -a "$PRISTINE/PG_VERSION" "$PGDATA/"
fi
# Postgres on the network (a swarm: docs/SWARM.md "The data path"): TLS 1.3 only, SCRAM only, the
# given roles only, from PGSBX_PEER_SUBNET (the overlay's) only; everything else is rejected.
# $1: the file holding the key and the certificate; $2: the roles admitted.
net_key=
listen_on_network() {
  case "${PGSBX_PEER_SUBNET:-}" in
    */*) ;;
    *) echo "pgsbx: PGSBX_PEER_SUBNET must be the overlay's subnet (a.b.c.d/n), got '${PGSBX_PEER_SUBNET:-}'" >&2; exit 1 ;;
  esac
  case "$PGSBX_PEER_SUBNET" in *[!0-9a-fA-F.:/]*) echo "pgsbx: PGSBX_PEER_SUBNET '$PGSBX_PEER_SUBNET' is not a subnet" >&2; exit 1 ;; esac
  cat > "$PGDATA/pg_hba.network.conf" <<EOF
local   all      all  peer map=ctl
hostssl sandbox  $2  $PGSBX_PEER_SUBNET  scram-sha-256
host    all      all  0.0.0.0/0  reject
host    all      all  ::/0       reject
EOF
  net_key=$1
}

# Runs SQL (one statement a line) as the bootstrap superuser before the server starts.
single_user() {
  /usr/lib/postgresql/17/bin/postgres --single -j -D "$PGDATA" -c config_file=/etc/postgresql/postgresql.conf \
    -c session_preload_libraries= -c password_encryption=scram-sha-256 sandbox >/dev/null
}

# A sandbox on a swarm: the controller hands it one secret file: its TLS key and certificate
# (Postgres reads both from it: OpenSSL skips the other PEM blocks) and the SCRAM verifiers of
# `sandbox` and `pgsbx_admin` (never the passwords). Without the file nothing changes: Unix
# socket, peer authentication, no network.
CREDENTIALS=/run/secrets/pgsbx-sandbox
if [ -f "$CREDENTIALS" ]; then
  # Only well-formed verifier lines become SQL (base64, digits, $ and : only: nothing to quote).
  sql=$(sed -n 's/^pgsbx-scram \(sandbox\|pgsbx_admin\) \(SCRAM-SHA-256\$[0-9]*:[A-Za-z0-9+\/=]*\$[A-Za-z0-9+\/=]*:[A-Za-z0-9+\/=]*\)$/ALTER ROLE \1 PASSWORD '"'"'\2'"'"';/p' "$CREDENTIALS")
  [ "$(printf '%s\n' "$sql" | grep -c '^ALTER ROLE')" = 2 ] || { echo "pgsbx: $CREDENTIALS lacks the two SCRAM verifiers" >&2; exit 1; }
  printf '%s\n' "$sql" | single_user
  listen_on_network "$CREDENTIALS" sandbox,pgsbx_admin
fi

# The control store of a swarm deployment (deploy/stack.yaml): the controller's own database on a
# persistent volume, reached over the control overlay. The `sandbox` role's password is
# PGSBX_CONTROL_PASSWORD (set again at every start, so changing it is a restart); a self-signed
# certificate is made once in the data directory (an operator may put their own server.pem there:
# the controller can then verify it, CONTROL_DATABASE_URL …?sslmode=verify-full&sslrootcert=…).
if [ -n "${PGSBX_CONTROL_PASSWORD:-}" ]; then
  password=$PGSBX_CONTROL_PASSWORD
  unset PGSBX_CONTROL_PASSWORD
  case "$password" in ????????????????*) ;; *) echo "pgsbx: the control password must have 16 characters or more" >&2; exit 1 ;; esac
  case "$password" in *[!A-Za-z0-9_-]*) echo "pgsbx: the control password may hold only A-Z a-z 0-9 _ -" >&2; exit 1 ;; esac
  printf "ALTER ROLE sandbox PASSWORD '%s';\n" "$password" | single_user
  if [ ! -f "$PGDATA/server.pem" ]; then
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=control \
      -keyout "$PGDATA/server.key" -out "$PGDATA/server.crt" 2>/dev/null && cat "$PGDATA/server.key" "$PGDATA/server.crt" > "$PGDATA/server.pem")
    rm -f "$PGDATA/server.key" "$PGDATA/server.crt"
  fi
  listen_on_network "$PGDATA/server.pem" sandbox
fi

if [ -n "$net_key" ]; then
  set -- -c listen_addresses='*' -c ssl=on -c ssl_min_protocol_version=TLSv1.3 \
    -c ssl_cert_file="$net_key" -c ssl_key_file="$net_key" -c hba_file="$PGDATA/pg_hba.network.conf" \
    -c password_encryption=scram-sha-256 "$@"
fi
exec /usr/lib/postgresql/17/bin/postgres -D "$PGDATA" -c config_file=/etc/postgresql/postgresql.conf "$@"
