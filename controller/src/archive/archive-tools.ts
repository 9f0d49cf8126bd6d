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
  abstract list(containerId: string, opts: { stdin: Readable; stdout: Writable }): Promise<ExecResult>;
  /** `pg_restore` of `archive` restricted to the TOC `list`, in one transaction, owner-less, as `sandbox`. */
  abstract restore(containerId: string, list: Buffer, archive: Readable): Promise<ExecResult>;
}

/** The sandbox image's client binaries (images/postgres), and the controller image's (Debian's postgresql-client-17). */
export const PG_BIN = '/usr/lib/postgresql/17/bin';
/** The dump's options, the same on both paths (a wake restores what either made). */
export const DUMP_ARGS = ['-Fc', '-Z', 'zstd:1', '--lock-wait-timeout=10s'];
