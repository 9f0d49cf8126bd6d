#!/bin/sh
# Runs once at image build, as root: makes CREATE/ALTER EXTENSION by the sandbox role unable to
# run the role's own code as superuser. See docs/EXTENSIONS.md for the argument.
#   harden.sh POSTGRESQL_CONF
# - Every allowlisted extension gets `schema = extensions` (postgis_topology: `topology`) and
#   `relocatable = false`, and loses `trusted`: it installs only through pgextwlist, only into a
#   schema the sandbox role cannot create objects in, and cannot be moved out of it.
# - Every other extension loses `trusted = true`, so the database owner cannot install it either
#   (PostgreSQL would otherwise run its script as superuser into the user's own schema).
# - PostGIS' pseudo-versions (ANY, TEMPLATED, unpackaged) and pgvector's old upgrade scripts go:
#   those extensions have one installable version and no ALTER EXTENSION UPDATE path.
# - no-temp-objects.sql is prepended to each of their scripts: they refuse to run in a session
#   with temporary tables or types, which the script's search_path would otherwise reach.
# - append/<script>.sql is appended to the extension script of that name (grants the sandbox
#   role needs); the build fails if that script is missing, so a package upgrade is noticed.
set -eu
conf=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=/usr/share/postgresql/17/extension

allow=$(sed -n "s/^extwlist\.extensions *= *'\([^']*\)'.*/\1/p" "$conf" | tr ',' ' ')
[ -n "$allow" ] || { echo "harden.sh: no extwlist.extensions in $conf" >&2; exit 1; }
allowed() { case " $allow " in *" $1 "*) return 0 ;; esac; return 1; }

for ext in $allow; do
  control=$(readlink -f "$dir/$ext.control")
  [ -f "$control" ] || { echo "harden.sh: allowlisted $ext has no control file" >&2; exit 1; }
  schema=extensions
  [ "$ext" = postgis_topology ] && schema=topology
  sed -i -E '/^[[:space:]]*(schema|relocatable|trusted)[[:space:]]*=/d' "$control"
  printf 'schema = %s\nrelocatable = false\n' "$schema" >>"$control"
done

for control in "$dir"/*.control; do
  name=$(basename "$control" .control)
  allowed "$name" && continue
  sed -i -E 's/^[[:space:]]*trusted[[:space:]]*=.*$/trusted = false/' "$(readlink -f "$control")"
done

for ext in postgis postgis_raster postgis_topology; do
  rm -f "$dir/$ext"--*ANY*.sql "$dir/$ext"--*TEMPLATED*.sql "$dir/$ext"--unpackaged*.sql
done
rm -f "$dir"/vector--*--*.sql

# topology.AddToSearchPath, called by the install script as superuser, pastes the database's
# stored search_path into EXECUTE; `ALTER DATABASE … SET search_path FROM CURRENT` stores it
# unquoted, so that was SQL of the user's choosing. The call goes; init.sql puts topology on the
# database's search_path instead. (Called later by a user, the function runs as that user.)
topo="$dir/postgis_topology--3.5.2.sql"
grep -q "^SELECT topology.AddToSearchPath('topology');$" "$topo" || { echo "harden.sh: AddToSearchPath call not found in $topo" >&2; exit 1; }
sed -i "/^SELECT topology.AddToSearchPath('topology');$/d" "$topo"

for ext in $allow; do
  for script in "$dir/$ext"--*.sql; do
    { cat "$here/no-temp-objects.sql"; cat "$script"; } >"$script.new" && mv "$script.new" "$script"
  done
done

for extra in "$here"/append/*.sql; do
  target="$dir/$(basename "$extra")"
  [ -f "$target" ] || { echo "harden.sh: $target is gone (package upgraded?)" >&2; exit 1; }
  { printf '\n-- pgsbx: appended at image build (images/postgres/extensions/append)\n'; cat "$extra"; } >>"$target"
done
