#!/bin/sh
# Copy the pristine cluster onto the tmpfs data directory, then become postgres.
set -eu
PGDATA=/var/lib/postgresql/data
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  cp -a /var/lib/postgresql/pristine/. "$PGDATA/"
fi
exec /usr/lib/postgresql/17/bin/postgres -D "$PGDATA" -c config_file=/etc/postgresql/postgresql.conf "$@"
