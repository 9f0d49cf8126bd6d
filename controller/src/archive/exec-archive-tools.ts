import { Injectable } from '@nestjs/common';
import { Readable, Writable } from 'node:stream';
import { ContainerRuntime, ExecResult } from '../runtime/container-runtime';
import { SOCKET_MOUNT } from '../runtime/sandbox-socket';
import { ArchiveTools, DUMP_ARGS, END_IDLE_TRANSACTIONS_SQL, PG_BIN } from './archive-tools';

/**
 * The archive tools run inside the sandbox (ContainerRuntime.exec, as its uid 999), over its Unix
 * socket with peer authentication as `sandbox` (pg_ident maps postgres → sandbox); only the bytes
 * travel through the controller (docs/HIBERNATION.md).
 */
@Injectable()
export class ExecArchiveTools extends ArchiveTools {
  constructor(private readonly runtime: ContainerRuntime) {
    super();
  }

  dump(containerId: string, opts: { stdout: Writable; signal?: AbortSignal }): Promise<ExecResult> {
    return this.runtime.exec(containerId, [`${PG_BIN}/pg_dump`, '-h', SOCKET_MOUNT, '-U', 'sandbox', '-d', 'sandbox', ...DUMP_ARGS], opts);
  }

  list(containerId: string, opts: { stdin: Readable; stdout: Writable; signal?: AbortSignal }): Promise<ExecResult> {
    return this.runtime.exec(containerId, [`${PG_BIN}/pg_restore`, '-l'], opts);
  }

  /** pgsbx-restore (images/postgres/restore.sh) reads the list's length on a line, the list, then the archive. */
  restore(containerId: string, list: Buffer, archive: Readable, signal?: AbortSignal): Promise<ExecResult> {
    return this.runtime.exec(containerId, ['/usr/local/bin/pgsbx-restore'], { stdin: Readable.from(withHeader(list, archive)), signal });
  }

  async endIdleTransactions(containerId: string): Promise<void> {
    await this.runtime
      .exec(containerId, [`${PG_BIN}/psql`, '-h', SOCKET_MOUNT, '-U', 'sandbox', '-d', 'sandbox', '-XAtqc', END_IDLE_TRANSACTIONS_SQL], {
        signal: AbortSignal.timeout(10_000),
      })
      .catch(() => undefined);
  }
}

async function* withHeader(list: Buffer, body: Readable): AsyncGenerator<Buffer> {
  yield Buffer.from(`${list.length}\n`, 'utf8');
  yield list;
  for await (const chunk of body) yield chunk as Buffer;
}
