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
exec /usr/lib/postgresql/17/bin/postgres -D "$PGDATA" -c config_file=/etc/postgresql/postgresql.conf "$@"
