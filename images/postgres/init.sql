-- Roles and the user's database, run once at image build time as the bootstrap superuser.
-- `sandbox`: the user's role. Not superuser, no CREATEDB/CREATEROLE/REPLICATION/BYPASSRLS,
-- member of none of the pg_*_server_* roles.
CREATE ROLE sandbox LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  CONNECTION LIMIT 14;
-- `pgsbx_admin`: the controller's management role (cancel, activity, stats). Not granted to
-- sandbox, so user SQL cannot SET ROLE to it; it may use the reserved connection slots.
CREATE ROLE pgsbx_admin LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT pg_signal_backend, pg_monitor, pg_use_reserved_connections TO pgsbx_admin;

\connect template1
VACUUM FREEZE;
CREATE DATABASE sandbox OWNER sandbox;
DROP DATABASE postgres;

\connect sandbox
-- The template databases stay read-only in the image (entrypoint.sh): no connections at all
-- (template0 never allowed them).
ALTER DATABASE template1 WITH ALLOW_CONNECTIONS false;
-- The public schema is owned by pg_database_owner (PG 15+), i.e. by sandbox here.
-- Extensions install into schemas sandbox can use but not create in (their control files say
-- so, see extensions/harden.sh): extension scripts run as superuser with search_path = that
-- schema, its required schemas, pg_temp, so nothing the user creates can stand in for a name a
-- script uses. topology is made here so that the user cannot make it first. No extension is
-- pre-installed: an idle sandbox stays small.
CREATE SCHEMA extensions;
CREATE SCHEMA topology;
GRANT USAGE ON SCHEMA extensions, topology TO PUBLIC;
ALTER DATABASE sandbox SET search_path = "$user", public, extensions, topology;
REVOKE ALL ON DATABASE sandbox FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE sandbox TO pgsbx_admin;
-- Server-side large-object import/export need superuser already; make the refusal explicit.
REVOKE EXECUTE ON FUNCTION lo_import(text), lo_import(text, oid), lo_export(oid, text) FROM PUBLIC;
-- Compact the catalogs initdb left behind: ~0.9 MB less to copy onto every sandbox's tmpfs.
VACUUM (FULL, FREEZE);
