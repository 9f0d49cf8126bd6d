import { Injectable } from '@nestjs/common';
import { PassThrough, Writable } from 'node:stream';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../domain/errors';
import type { ExecResult } from '../runtime/container-runtime';
import { ArchiveQuotaError, ArchiveStore, StoredArchive } from './archive-store';
import { ArchiveTools } from './archive-tools';
import { restoreList } from './toc-list';
/** A restore list is a few lines per object; anything near this is not a list we made. */
const MAX_TOC_BYTES = 32 * 1024 * 1024;

/**
 * pg_dump or pg_restore failed. The log gets their stderr; the user is told in plain words, with
 * the first error pg_restore gave (a database that dumps but will not restore is the user's own
 * SQL: e.g. a check constraint that calls a function on data restored later).
 */
export class ArchiveToolError extends DomainError {
  constructor(message: string, phase: 'save' | 'restore') {
    const firstError = /(ERROR|error):\s*(.*)/.exec(message)?.[2]?.slice(0, 300);
    const detail = firstError ? ` (${firstError})` : '';
    super(message, {
      status: 422,
      alert: `archive ${phase} failed`,
      publicMessage:
        phase === 'restore'
          ? `Your saved database could not be restored${detail}. It is kept unchanged for an operator; Reset starts an empty database.`
          : `Your database could not be saved${detail}. Nothing was replaced; your sandbox is unchanged.`,
    });
  }
}

/**
 * Saves a sandbox's database into the ArchiveStore and restores one into a sandbox, with
 * Postgres' own client binaries (ArchiveTools: inside the container on docker, beside the
 * controller over TLS on a swarm) and the bytes streamed through the controller. Both log in as the user's role `sandbox`, never a superuser:
 * pg_dump reads only what the user can read, and a restore is the user's own SQL replayed with the
 * user's rights (docs/HIBERNATION.md says why this mechanism and not a copy of the data directory).
 */
@Injectable()
export class SandboxArchiver {
  constructor(
    private readonly config: AppConfig,
    private readonly tools: ArchiveTools,
    private readonly archives: ArchiveStore,
  ) {}

  /** A hung tool (a lock it waits for, a sandbox that stops reading) must not hold the user's lock forever. */
  private deadline(): AbortSignal {
    return AbortSignal.timeout(this.config.archiveTimeoutMs);
  }

  /**
   * `pg_dump -Fc` (zstd) of the user's database into a new archive, then checked: the dump ended
   * cleanly and its table of contents reads back. On any failure nothing is left in the store.
   */
  async save(containerId: string, userId: string, maxBytes: number): Promise<StoredArchive> {
    const out = new PassThrough();
    const writing = this.archives.write(userId, out, maxBytes);
    const aborter = new AbortController();
    // The store stops reading when the quota is passed: stop pg_dump too.
    writing.catch(() => aborter.abort());
    const deadline = this.deadline();
    deadline.addEventListener('abort', () => aborter.abort(), { once: true });
    const dumping = this.run('save', 'pg_dump', () => this.tools.dump(containerId, { stdout: out, signal: aborter.signal }));
    // Whatever happens to the tool, the store's input ends: a write must never wait forever.
    dumping.then(
      () => out.end(),
      () => out.destroy(),
    );
    const [dumped, stored] = await Promise.allSettled([dumping, writing]);
    if (stored.status === 'rejected') {
      // The store's own refusal (the quota) first; else the tool's failure says what went wrong.
      throw stored.reason instanceof ArchiveQuotaError || dumped.status === 'fulfilled' ? stored.reason : dumped.reason;
    }
    const archive = stored.value;
    try {
      if (dumped.status === 'rejected') throw dumped.reason;
      if (dumped.value.exitCode !== 0)
        throw new ArchiveToolError(`pg_dump failed (exit ${dumped.value.exitCode}): ${dumped.value.stderr.trim()}`, 'save');
      await this.tableOfContents(containerId, archive, 'save');
      return archive;
    } catch (e) {
      await this.archives.remove(archive.key);
      throw e;
    }
  }

  /**
   * Restores `archive` into the (fresh) container's database in one transaction, as the user's
   * role. The archive is checked against its checksum before any of it is sent.
   */
  async restore(containerId: string, archive: StoredArchive): Promise<void> {
    const list = Buffer.from(restoreList(await this.tableOfContents(containerId, archive, 'restore')), 'utf8');
    const body = await this.archives.open(archive.key, archive);
    const res = await this.run('restore', 'pg_restore', () => this.tools.restore(containerId, list, body, this.deadline()));
    if (res.exitCode !== 0) throw new ArchiveToolError(`pg_restore failed (exit ${res.exitCode}): ${res.stderr.trim()}`, 'restore');
  }

  /** See ArchiveTools.endIdleTransactions (before a hibernate). */
  endSessions(containerId: string): Promise<void> {
    return this.tools.endIdleTransactions(containerId);
  }

  /** Runs a tool; the engine's own failures (a container gone, an abort) become the user's clear 422. */
  private run(phase: 'save' | 'restore', tool: string, fn: () => Promise<ExecResult>): Promise<ExecResult> {
    return fn().catch((e: Error) => {
      throw e instanceof DomainError ? e : new ArchiveToolError(`${tool} could not run: ${e.message}`, phase);
    });
  }

  /** `pg_restore -l` of the archive: proves the archive reads back. */
  private async tableOfContents(containerId: string, archive: StoredArchive, phase: 'save' | 'restore'): Promise<string> {
    const body = await this.archives.open(archive.key, archive);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    // Never fails: past the cap it only stops keeping (an error here would have nobody to hear it).
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > MAX_TOC_BYTES) tooBig = true;
        else chunks.push(chunk);
        done();
      },
    });
    const res = await this.run(phase, 'pg_restore -l', () =>
      this.tools.list(containerId, { stdin: body, stdout: sink, signal: this.deadline() }),
    );
    if (tooBig) throw new ArchiveToolError(`the archive's table of contents is over ${MAX_TOC_BYTES} bytes`, phase);
    if (res.exitCode !== 0) throw new ArchiveToolError(`pg_restore -l failed (exit ${res.exitCode}): ${res.stderr.trim()}`, phase);
    return Buffer.concat(chunks).toString('utf8');
  }
}
