import type { Readable, Writable } from 'node:stream';
import type { ExecResult } from '../runtime/container-runtime';

/**
 * Runs Postgres' own archive tools against one sandbox's database, always logged in as the user's
 * role `sandbox` (never a superuser), streaming through the controller. The port: the docker
 * runtime runs the sandbox image's binaries inside the container (ExecArchiveTools); on a swarm,
 * where the manager cannot exec into a task on another node, the controller runs its own
 * pg_dump/pg_restore over the sandbox's TLS connection (NetworkArchiveTools). Results are the
 * tools' own: exit code and stderr.
 */
export abstract class ArchiveTools {
  /** `pg_dump -Fc -Z zstd:1` of the user's database to `stdout`. */
  abstract dump(containerId: string, opts: { stdout: Writable; signal?: AbortSignal }): Promise<ExecResult>;
  /** `pg_restore -l`: the table of contents of the archive read from `stdin`, to `stdout`. */
  abstract list(containerId: string, opts: { stdin: Readable; stdout: Writable; signal?: AbortSignal }): Promise<ExecResult>;
  /** `pg_restore` of `archive` restricted to the TOC `list`, in one transaction, owner-less, as `sandbox`. */
  abstract restore(containerId: string, list: Buffer, archive: Readable, signal?: AbortSignal): Promise<ExecResult>;
  /**
   * Ends the user's sessions that sit idle in an open transaction (before a hibernate), as
   * `sandbox` (a role may end its own backends): one holding a lock would hold pg_dump until the
   * timeout. Best effort.
   */
  abstract endIdleTransactions(containerId: string): Promise<void>;
}

/** The sandbox image's client binaries (images/postgres), and the controller image's (Debian's postgresql-client-17). */
export const PG_BIN = '/usr/lib/postgresql/17/bin';
/** The dump's options, the same on both paths (a wake restores what either made). */
export const DUMP_ARGS = ['-Fc', '-Z', 'zstd:1', '--lock-wait-timeout=10s'];

/** What endIdleTransactions runs: only sessions of the user's role, idle inside a transaction. */
export const END_IDLE_TRANSACTIONS_SQL =
  "select pg_catalog.pg_terminate_backend(pid) from pg_catalog.pg_stat_activity where usename = 'sandbox' and state like 'idle in transaction%' and pid <> pg_catalog.pg_backend_pid()";
