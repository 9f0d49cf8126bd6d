import { Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContainerRuntime, ExecResult } from '../runtime/container-runtime';
import { SandboxAuthority } from '../tls/sandbox-authority';
import { ArchiveTools, DUMP_ARGS, END_IDLE_TRANSACTIONS_SQL, PG_BIN } from './archive-tools';

const MAX_STDERR = 64 * 1024;

/**
 * The archive tools run beside the controller (its image has postgresql-client-17) and reach the
 * sandbox as the controller does: TLS verified against the controller's CA with the sandbox's own
 * name (`sslmode=verify-full`: libpq checks `host`, the certificate's name, while `hostaddr` is the
 * task's address on the overlay) and the `sandbox` role's SCRAM password, given in the child's
 * environment only (docs/SWARM.md "Archives").
 */
@Injectable()
export class NetworkArchiveTools extends ArchiveTools {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly authority: SandboxAuthority,
  ) {
    super();
  }

  async dump(containerId: string, opts: { stdout: Writable; signal?: AbortSignal }): Promise<ExecResult> {
    return this.run([`${PG_BIN}/pg_dump`, ...DUMP_ARGS], await this.connectionEnv(containerId), undefined, opts.stdout, opts.signal);
  }

  /** Reads only the archive: no connection. */
  list(_containerId: string, opts: { stdin: Readable; stdout: Writable; signal?: AbortSignal }): Promise<ExecResult> {
    return this.run([`${PG_BIN}/pg_restore`, '-l'], {}, opts.stdin, opts.stdout, opts.signal);
  }

  async endIdleTransactions(containerId: string): Promise<void> {
    try {
      await this.run(
        [`${PG_BIN}/psql`, '-XAtqc', END_IDLE_TRANSACTIONS_SQL],
        await this.connectionEnv(containerId),
        undefined,
        undefined,
        AbortSignal.timeout(10_000),
      );
    } catch {
      /* best effort: pg_dump reports what matters */
    }
  }

  async restore(containerId: string, list: Buffer, archive: Readable, signal?: AbortSignal): Promise<ExecResult> {
    const env = await this.connectionEnv(containerId);
    const dir = await mkdtemp(join(tmpdir(), 'pgsbx-restore-'));
    try {
      const listFile = join(dir, 'list');
      await writeFile(listFile, list, { mode: 0o600 });
      // The same restore as images/postgres/restore.sh: the user's role, one transaction, no owners.
      return await this.run(
        [`${PG_BIN}/pg_restore`, '-d', 'sandbox', '-L', listFile, '--single-transaction', '--exit-on-error', '--no-owner'],
        env,
        archive,
        undefined,
        signal,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** libpq's environment for one sandbox: nothing of the controller's own PG* settings leaks in. */
  private async connectionEnv(containerId: string): Promise<Record<string, string>> {
    const info = await this.runtime.inspect(containerId);
    if (!info?.running || info.endpoint.kind !== 'tcp') throw new Error(`sandbox ${containerId} is not running on the network`);
    const { host, port, servername } = info.endpoint;
    const [{ address }, password, rootCert] = await Promise.all([
      lookup(host),
      this.authority.password('sandbox', servername),
      this.authority.caFile(),
    ]);
    return {
      PGHOST: servername,
      PGHOSTADDR: address,
      PGPORT: String(port),
      PGUSER: 'sandbox',
      PGDATABASE: 'sandbox',
      PGPASSWORD: password,
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: rootCert,
      PGSSLMINPROTOCOLVERSION: 'TLSv1.3',
      // A sandbox's server may be its user's own program (SECURITY.md): asked for the password in
      // clear or as MD5, libpq would send it. SCRAM only.
      PGREQUIREAUTH: 'scram-sha-256',
      PGCONNECT_TIMEOUT: '10',
      PGAPPNAME: 'pgsbx-archive',
    };
  }

  private run(
    argv: string[],
    pgEnv: Record<string, string>,
    stdin?: Readable,
    stdout?: Writable,
    signal?: AbortSignal,
  ): Promise<ExecResult> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
    const child = spawn(argv[0], argv.slice(1), { env: { ...env, ...pgEnv }, stdio: ['pipe', 'pipe', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += b.toString('utf8').slice(0, MAX_STDERR - stderr.length);
    });
    const feeding = stdin ? pipeline(stdin, child.stdin).catch(() => undefined) : Promise.resolve(child.stdin.end());
    const draining = stdout ? pipeline(child.stdout, stdout) : Promise.resolve(child.stdout.resume());
    const exited = new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
    });
    return Promise.all([exited, draining, feeding]).then(([exitCode]) => ({ exitCode, stderr }));
  }
}
