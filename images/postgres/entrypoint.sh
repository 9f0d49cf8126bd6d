#!/bin/sh
# Copy the pristine cluster onto the tmpfs data directory, then become postgres.
# The template databases (template1 = base/1, template0 = base/4) are not copied: they are
# symlinked to the image's read-only copy. Nobody can connect to them (ALLOW_CONNECTIONS false)
# and they are frozen, so Postgres never writes them; that saves ~15 MB of tmpfs (memory) per
# sandbox. Only the user's database, the shared catalogs and the WAL live on the tmpfs.
set -eu
PGDATA=/var/lib/postgresql/data
PRISTINE=/var/lib/postgresql/pristine
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  for entry in "$PRISTINE"/* "$PRISTINE"/.[!.]*; do
    [ -e "$entry" ] || continue
    [ "$(basename "$entry")" = base ] && continue
    cp -a "$entry" "$PGDATA/"
  done
  mkdir -m 0700 "$PGDATA/base"
  for db in "$PRISTINE"/base/*; do
    case "$(basename "$db")" in
      1|4) ln -s "$db" "$PGDATA/base/$(basename "$db")" ;;
      *) cp -a "$db" "$PGDATA/base/" ;;
    esac
  done
fi
exec /usr/lib/postgresql/17/bin/postgres -D "$PGDATA" -c config_file=/etc/postgresql/postgresql.conf "$@"
