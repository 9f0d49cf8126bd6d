/** uid and gid of `postgres` in images/postgres (fixed there on purpose): owner of every sandbox's socket. */
export const SANDBOX_PG_UID = 999;

/** Where Postgres puts its Unix socket inside a sandbox. */
export const SOCKET_MOUNT = '/var/run/postgresql';

/** The socket file's name in that directory (Postgres' default port). */
export const SOCKET_NAME = '.s.PGSQL.5432';
