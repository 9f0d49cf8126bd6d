import { mkdtempSync, rmSync, statSync, statfsSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import type { SandboxEndpoint } from '../src/runtime/container-runtime';
import { Harness, docker, startHarness } from './support/harness';

const err = (r: SandboxResult | undefined) => (r as ErrorResult | undefined)?.error;
const rows = (r: SandboxResult | undefined) => (r as RowsResult | undefined)?.rows;
const TMPFS_MAGIC = 0x01021994;
const socketDirOf = (sb: { endpoint: SandboxEndpoint }) => (sb.endpoint.kind === 'unix' ? sb.endpoint.dir : '');

/**
 * A user who became superuser in their container runs anything as its postgres uid, so they own
 * /var/run/postgresql. Nothing they put there may steer the root controller's next connection,
 * and nothing they write there may land on the host's disk.
 */
describe('The socket path cannot be turned against the host or another tenant (real Docker)', () => {
  let h: Harness;
  let attacker: string;
  let victim: string;
  let trap: Server;
  let trapDir: string;
  let trapConnections = 0;
  let session = 0;

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '1' });
    attacker = h.token('sock-attacker');
    victim = h.token('sock-victim');
    const v = await h.exec(victim, "create table secret_b(v text); insert into secret_b values ('victim data')");
    expect(err(v.body[1])).toBeUndefined();
    expect(err((await h.exec(attacker, 'select 1')).body[0])).toBeUndefined();
    trapDir = mkdtempSync(join(tmpdir(), 'pgsbx-trap-'));
    trap = createServer((s) => {
      trapConnections++;
      s.destroy();
    });
    await new Promise<void>((r) => trap.listen(join(trapDir, 'trap.sock'), r));
  });
  afterAll(async () => {
    await new Promise((r) => trap?.close(r));
    rmSync(trapDir, { recursive: true, force: true });
    await h?.close();
  });

  const sandboxOf = (user: string) => {
    const sb = h.fleet.find(user);
    if (!sb) throw new Error(`${user} has no sandbox`);
    return sb;
  };
  /** As the container's postgres uid, the way a superuser's COPY … FROM PROGRAM would run it. */
  const inAttacker = (script: string) =>
    docker(['exec', '-u', 'postgres', '-w', '/var/run/postgresql', sandboxOf('sock-attacker').name, 'sh', '-c', script]);

  /** A session that did not exist before the attack, so the controller must open a connection. */
  const freshSession = (sql: string) => h.exec(attacker, sql, `after-attack-${++session}`);

  const expectRefusedAndRecoverable = async (sql = 'select v from secret_b') => {
    const r = await freshSession(sql);
    expect(r.status).toBe(200);
    expect(rows(r.body[0])).toBeUndefined();
    expect(err(r.body[0])?.message).toMatch(/socket was tampered with.*Reset gives a fresh one/);
    expect(JSON.stringify(r.body)).not.toContain('victim data');

    const b = await h.exec(victim, 'select v from secret_b');
    expect(rows(b.body[0])).toEqual([{ v: 'victim data' }]);

    const reset = await h.request('POST', '/api/sandbox/reset', attacker);
    expect(reset.status).toBe(200);
    const after = await freshSession('select 42 as answer');
    expect(rows(after.body[0])).toEqual([{ answer: 42 }]);
  };

  it("a symlink to another user's socket: refused, the other user's table never seen", async () => {
    const victimSocket = join(socketDirOf(sandboxOf('sock-victim')), '.s.PGSQL.5432');
    expect(statSync(victimSocket).isSocket()).toBe(true);
    inAttacker(`ln -sf '${victimSocket}' .s.PGSQL.5432 && test -L .s.PGSQL.5432`);
    await expectRefusedAndRecoverable();
  });

  it('a symlink to a trap socket on the host: refused, the trap sees no connection', async () => {
    inAttacker(`ln -sf '${join(trapDir, 'trap.sock')}' .s.PGSQL.5432`);
    await expectRefusedAndRecoverable();
    expect(trapConnections).toBe(0);
  });

  it('a FIFO in place of the socket: refused, no hang', async () => {
    inAttacker('rm .s.PGSQL.5432 && mkfifo .s.PGSQL.5432 && test -p .s.PGSQL.5432');
    await expectRefusedAndRecoverable();
  });

  it('a regular file in place of the socket: refused', async () => {
    inAttacker('rm .s.PGSQL.5432 && echo hello > .s.PGSQL.5432');
    await expectRefusedAndRecoverable();
  });

  it('a directory in place of the socket: refused', async () => {
    inAttacker('rm .s.PGSQL.5432 && mkdir .s.PGSQL.5432');
    await expectRefusedAndRecoverable();
  });

  it('the real socket reached through a symlinked directory: refused all the same (nothing is followed)', async () => {
    inAttacker('mkdir real && mv .s.PGSQL.5432 real/ && ln -s real via && ln -s via/.s.PGSQL.5432 .s.PGSQL.5432');
    await expectRefusedAndRecoverable('select 1');
  });

  it('a 100 MB file: stops at the small cap with ENOSPC, on tmpfs, not on the host disk', async () => {
    const dir = socketDirOf(sandboxOf('sock-attacker'));
    expect(statfsSync(dir).type).toBe(TMPFS_MAGIC);
    const hostFree = () => {
      const s = statfsSync('/var/lib/docker');
      return s.bavail * s.bsize;
    };
    const before = hostFree();
    let output = '';
    try {
      inAttacker('dd if=/dev/zero of=big bs=1M count=100 2>&1');
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? '') + String((e as { stderr?: string }).stderr ?? '');
    }
    expect(output).toMatch(/No space left on device/);
    expect(statSync(join(dir, 'big')).size).toBeLessThanOrEqual(1024 * 1024);
    // Other processes write too; 100 MB landing on the host disk would show all the same.
    expect(before - hostFree()).toBeLessThan(50 * 1024 * 1024);

    const r = await freshSession('select 1 as still');
    expect(rows(r.body[0])).toEqual([{ still: 1 }]);
    const b = await h.exec(victim, 'select count(*)::int as n from secret_b');
    expect(rows(b.body[0])).toEqual([{ n: 1 }]);
  });
});

describe('Socket volumes across a controller restart (real Docker)', () => {
  let first: Harness | undefined;
  let second: Harness | undefined;
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('orphaned socket volumes are pruned, a tampered sandbox is replaced, the others adopted with their data', async () => {
    first = await startHarness({ SANDBOX_WARM_POOL: '1' });
    const prefix = first.prefix;
    const keeper = first.token('keeper');
    const tamperer = first.token('tamperer');
    expect(err((await first.exec(keeper, "create table kept(v text); insert into kept values ('adopted')")).body[1])).toBeUndefined();
    expect(err((await first.exec(tamperer, 'create table mine(v int)')).body[0])).toBeUndefined();
    const tampered = first.fleet.find('tamperer')!.name;
    docker(['exec', '-u', 'postgres', '-w', '/var/run/postgresql', tampered, 'sh', '-c', 'ln -sf /nowhere .s.PGSQL.5432']);
    await first.fleet.settle();
    await first.app.close();
    first = undefined;

    // A container removed without its volumes (by hand, say) leaves its socket volume behind.
    const pool = docker(['ps', '-q', '--filter', `label=pgsbx.prefix=${prefix}`, '--filter', `name=${prefix}-pool-`]).split('\n')[0];
    const orphan = docker(['inspect', pool, '--format', '{{range .Mounts}}{{.Name}}{{end}}']);
    docker(['rm', '-f', pool]);
    expect(docker(['volume', 'ls', '-q', '--filter', `label=pgsbx.prefix=${prefix}`])).toContain(orphan);

    second = await startHarness({ SANDBOX_PREFIX: prefix, SANDBOX_WARM_POOL: '1' });
    await second.fleet.recover(); // recovery runs behind the API: wait for its pruning pass
    expect(docker(['volume', 'ls', '-q', '--filter', `label=pgsbx.prefix=${prefix}`])).not.toContain(orphan);
    const kept = await second.exec(second.token('keeper'), 'select v from kept', 'after-restart');
    expect(rows(kept.body[0])).toEqual([{ v: 'adopted' }]);
    const fresh = await second.exec(second.token('tamperer'), "select count(*)::int as n from pg_tables where tablename = 'mine'");
    expect(rows(fresh.body[0])).toEqual([{ n: 0 }]);
    // Every socket volume left belongs to a container.
    const volumes = docker(['volume', 'ls', '-q', '--filter', `label=pgsbx.prefix=${prefix}`, '--filter', 'dangling=true']);
    expect(volumes).toBe('');
  });
});
