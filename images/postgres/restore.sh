#!/bin/sh
# pgsbx-restore: restores a hibernation archive or checkpoint (pg_dump -Fc) into the user's database
# AS THE USER's ROLE (`sandbox`), in one transaction: all or nothing. The controller sends on stdin
# one line with the byte length of a pg_restore TOC list, the list, then the archive. The list is
# the archive's own TOC minus the schemas the image creates (`extensions`, `topology`), which exist
# already and belong to the superuser (docs/HIBERNATION.md).
set -eu
read -r n
case "$n" in ''|*[!0-9]*) echo "pgsbx-restore: bad list length" >&2; exit 2 ;; esac
head -c "$n" > /tmp/pgsbx-restore.list
exec /usr/lib/postgresql/17/bin/pg_restore -h /var/run/postgresql -U sandbox -d sandbox \
  -L /tmp/pgsbx-restore.list --single-transaction --exit-on-error --no-owner
