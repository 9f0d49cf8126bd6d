import type { ErrorResult, RowsResult } from '@pgsbx/contract';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testArchiveDir } from './support/archive-dirs';
import { CliRun, ensureCliBuilt, sandboxctl } from './support/cli-run';
import { Harness, containersOf, startHarness } from './support/harness';

describe('sandboxctl against a real controller (real Docker)', () => {
  let h: Harness;
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string | undefined> = {}): Promise<CliRun> => sandboxctl(args, { ...env, ...extra });
  const json = async <T = any>(args: string[]): Promise<T> => {
    const r = await cli([...args, '--json']);
    expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    return JSON.parse(r.stdout) as T;
  };
  const aliceContainer = () => containersOf(h.prefix).find((c) => c.name === `${h.prefix}-u-alice`);

  beforeAll(async () => {
    ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sandboxctl-'));
    h = await startHarness();
    env = { SANDBOXCTL_URL: h.url, SANDBOXCTL_TOKEN: h.token('ops', 'admin'), SANDBOXCTL_CONFIG: join(dir, 'unused.json') };
    expect((await h.exec(h.token('alice'), 'select 1')).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ls shows the sandbox an exec created, with its container id', async () => {
    const r = await cli(['ls']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header.split(/\s+/)).toEqual(['USER', 'CONTAINER', 'STATE', 'AGE', 'IDLE', 'MEM', 'CPU', 'SESSIONS']);
    const alice = rows.find((l) => l.startsWith('alice '));
    expect(alice).toBeDefined();
    expect(alice).toContain(aliceContainer()?.id.slice(0, 12));
    expect(alice).toMatch(/ ready /);
    expect(alice).toMatch(/ main$/);
  });

  it('--json prints parseable API JSON for ls, inspect, stats and pool', async () => {
    const [list, detail, stats, pool] = await Promise.all([
      json<{ user: string; containerId: string }[]>(['ls']),
      json(['inspect', 'alice']),
      json(['stats']),
      json(['pool']),
    ]);
    expect(list.map((s) => s.user)).toContain('alice');
    expect(detail).toMatchObject({ user: 'alice', container: `${h.prefix}-u-alice`, status: { userId: 'alice' } });
    expect(stats).toMatchObject({ capacity: h.config.maxSandboxes, provisioningMs: { pool: expect.any(Object) } });
    expect(stats.sandboxes).toBeGreaterThanOrEqual(1);
    expect(pool).toMatchObject({ target: 1, draining: false });
  });

  it('reset refuses without a TTY or --yes (exit 2), and with --yes gives a new container id', async () => {
    const before = (await json(['inspect', 'alice'])).containerId;
    const refused = await cli(['reset', 'alice']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect((await json(['inspect', 'alice'])).containerId).toBe(before);

    const r = await cli(['reset', 'alice', '--yes']);
    expect(r.code).toBe(0);
    const after = (await json(['inspect', 'alice'])).containerId;
    expect(after).not.toBe(before);
    expect(r.stdout).toContain(after);
    expect(aliceContainer()?.id.slice(0, 12)).toBe(after);
  });

  it('reap --dry-run --idle 0s lists the sandbox but keeps it', async () => {
    const r = await cli(['reap', '--dry-run', '--idle', '0s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Would reap/);
    expect(r.stdout).toMatch(new RegExp(`^alice +${h.prefix}-u-alice +idle`, 'm'));
    expect((await cli(['inspect', 'alice'])).code).toBe(0);
    expect(aliceContainer()).toBeDefined();
  });

  it('pool set 2 changes the pool target', async () => {
    const r = await cli(['pool', 'set', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/target 2/);
    expect((await json(['pool'])).target).toBe(2);
    expect((await cli(['pool', 'set', '101'])).code).toBe(2);
  });

  it('stats, logs, top and version print something a person can read', async () => {
    const [stats, logs, top, version] = await Promise.all([
      cli(['stats']),
      cli(['logs', 'alice', '--tail', '5']),
      cli(['top', '--iterations', '2', '--interval', '100ms']),
      cli(['version']),
    ]);
    expect(stats.stdout).toMatch(/^sandboxes +\d+ of \d+/m);
    expect(stats.stdout).toMatch(/^PROVISIONING +COUNT +P50 +P95/m);
    expect(logs.code).toBe(0);
    expect(top.code).toBe(0);
    expect(top.stdout.match(/^sandboxctl top/gm)).toHaveLength(2);
    expect(top.stdout).toMatch(/^alice /m);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^sandboxctl \d+\.\d+\.\d+/);
    expect(version.stdout).toMatch(/: ok: docker reachable/);
  });

  it('drain makes resets 503 (exit 7) until undrain', async () => {
    expect((await cli(['drain'])).code).toBe(2);
    expect((await cli(['drain', '--yes'])).code).toBe(0);
    try {
      expect((await json(['pool'])).draining).toBe(true);
      const refused = await cli(['reset', 'alice', '--yes']);
      expect(refused.code).toBe(7);
      expect(refused.stderr).toMatch(/draining/);
    } finally {
      expect((await cli(['undrain'])).code).toBe(0);
    }
    expect((await json(['pool'])).draining).toBe(false);
  });

  it('hibernate → ls --all → wake → checkpoints → storage → drain --hibernate → rm: an operator sees and handles a saved database', async () => {
    const carol = h.token('carol');
    const container = () => containersOf(h.prefix).find((c) => c.name === `${h.prefix}-u-carol`);
    const count = async () => {
      const res = await h.exec(carol, 'select count(*)::int as n from kept');
      return (res.body[0] as RowsResult).rows[0].n;
    };
    expect((await h.exec(carol, 'create table kept(n int); insert into kept values (1), (2), (3)')).status).toBe(200);
    expect((await h.request('POST', '/api/sandbox/checkpoints', carol, { name: 'three-rows' })).status).toBe(201);

    expect((await cli(['hibernate', 'carol'])).code).toBe(2);
    const hibernated = await cli(['hibernate', 'carol', '--yes']);
    expect(hibernated).toMatchObject({
      code: 0,
      stdout: 'Hibernated carol: database saved, container removed. Their next query restores it.\n',
    });
    await h.fleet.settle();
    expect(container()).toBeUndefined();
    expect(await cli(['hibernate', 'carol', '--yes'])).toMatchObject({ code: 0, stdout: 'carol is already hibernated.\n' });

    const ls = await cli(['ls', '--all']);
    expect(ls.stdout.split('\n')[0].split(/\s+/)).toEqual([...'USER CONTAINER STATE AGE IDLE MEM CPU SESSIONS SAVED SIZE'.split(' ')]);
    expect(ls.stdout).toMatch(/^carol +- +hibernated +- +\S+ +- +- +- +\d+s ago +[\d.]+ (B|KiB|MiB)$/m);
    expect((await cli(['ls'])).stdout).not.toMatch(/^carol /m);
    const all = await json<{ hibernated: { user: string; bytes: number; lastError: string | null }[] }>(['ls', '--all']);
    expect(all.hibernated.find((u) => u.user === 'carol')).toMatchObject({ bytes: expect.any(Number), lastError: null });

    const woke = await cli(['wake', 'carol']);
    expect(woke.code).toBe(0);
    expect(woke.stdout).toMatch(
      /^Woke carol: restored the database saved at \S+ \([\d.]+ (B|KiB|MiB)\) in [\d.]+m?s; container [0-9a-f]{12} /,
    );
    expect(woke.stdout).toContain(container()?.id.slice(0, 12));
    expect(await count()).toBe(3);
    expect((await cli(['wake', 'carol'])).stdout).toMatch(/^carol's sandbox is running \(nothing to restore\)/);

    const checkpoints = await cli(['checkpoints', 'carol']);
    expect(checkpoints.stdout).toMatch(/^three-rows +\S+Z +\S+ +[\d.]+ (B|KiB|MiB)$/m);
    expect(checkpoints.stdout).toMatch(/^carol has 1 checkpoint \(at most \d+\)\.$/m);

    const storage = await cli(['storage']);
    expect(storage.stdout).toMatch(/^carol +[\d.]+ (B|KiB|MiB) +[\d.]+% +\d +1 +awake$/m);
    expect(storage.stdout).toMatch(/^total +[\d.]+ (B|KiB|MiB) for \d+ users? \(at most /m);

    const drained = await cli(['drain', '--hibernate', '--yes']);
    try {
      expect(drained.stdout).toMatch(/Hibernated [1-9]\d* idle sandbox(es)?\./);
      await h.fleet.settle();
      expect(container()).toBeUndefined();
      expect((await json<{ hibernated: { user: string }[] }>(['ls', '--all'])).hibernated.map((u) => u.user)).toContain('carol');
    } finally {
      expect((await cli(['undrain'])).code).toBe(0);
    }
    expect(await count()).toBe(3);

    // A damaged saved database: the wake is refused, and the operator sees why in ls --all and storage.
    expect((await cli(['hibernate', 'carol', '--yes'])).code).toBe(0);
    flipByteOf(newestArchive(testArchiveDir(h.prefix)));
    const refused = await cli(['wake', 'carol']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/failed its integrity check.*\[HTTP 422\]/);
    const marked = await cli(['ls', '--all']);
    expect(marked.stdout).toMatch(/^carol +- +hibernated! /m);
    expect(marked.stdout).toMatch(/^! carol: wake failed: .*failed its check/m);
    expect((await cli(['storage'])).stdout).toMatch(/^carol +.* hibernated!$/m);
    // Reset is the way past it: an empty database, the damaged archive gone.
    expect((await cli(['reset', 'carol', '--yes'])).code).toBe(0);
    const gone = await h.exec(carol, 'select count(*) from kept');
    expect((gone.body[0] as ErrorResult).error.code).toBe('42P01');

    const rm = await cli(['rm', 'carol', '--yes']);
    expect(rm).toMatchObject({ code: 0, stdout: "Removed carol's sandbox and saved databases.\n" });
    expect((await json<{ users: { user: string }[] }>(['storage'])).users.map((u) => u.user)).not.toContain('carol');
    expect(await json(['checkpoints', 'carol'])).toMatchObject({ checkpoints: [] });
    const again = await cli(['rm', 'carol', '--yes']);
    expect(again).toMatchObject({ code: 5, stderr: 'sandboxctl: User "carol" has no sandbox and no saved database. [HTTP 404]\n' });
    expect((await cli(['wake', 'carol'])).code).toBe(5);
  });

  it('rm --yes removes the sandbox; afterwards inspect and rm say not found (exit 5)', async () => {
    const r = await cli(['rm', 'alice', '--yes']);
    expect(r.code).toBe(0);
    expect((await json<{ user: string }[]>(['ls'])).map((s) => s.user)).not.toContain('alice');
    await h.fleet.settle();
    expect(aliceContainer()).toBeUndefined();
    expect((await cli(['rm', 'alice', '--yes'])).code).toBe(5);
  });

  it('maps failures to exit codes: 3 unreachable, 4 bad token or not admin, 5 not found', async () => {
    const [unreachable, badToken, notAdmin, nobody] = await Promise.all([
      cli(['ls', '--url', 'http://127.0.0.1:1']),
      cli(['ls'], { SANDBOXCTL_TOKEN: 'not-a-jwt' }),
      cli(['stats'], { SANDBOXCTL_TOKEN: h.token('bob', 'pro') }),
      cli(['inspect', 'nobody']),
    ]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/^sandboxctl: cannot reach the controller at http:\/\/127\.0\.0\.1:1/);

    expect(badToken.code).toBe(4);
    expect(badToken.stderr).toMatch(/sandboxctl login/);
    expect(notAdmin.code).toBe(4);
    expect(notAdmin.stderr).toMatch(/role admin/);

    expect(nobody.code).toBe(5);
    expect(nobody.stderr.trim().split('\n')).toEqual(['sandboxctl: User "nobody" has no sandbox. [HTTP 404]']);
  });

  it('login saves url and token in a 0600 file (dir 0700) that later commands use', async () => {
    const config = join(dir, 'home', 'sandboxctl', 'config.json');
    const noToken = { SANDBOXCTL_TOKEN: undefined, SANDBOXCTL_CONFIG: config };
    expect((await cli(['ls'], noToken)).code).toBe(4);

    const login = await cli(['login', '--user', 'ops'], noToken);
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).toMatch(/as ops \(role admin\)/);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'home', 'sandboxctl')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toMatchObject({ url: h.url, token: expect.any(String), role: 'admin' });

    expect((await cli(['ls'], noToken)).code).toBe(0);
    expect((await cli(['pool', '--json'], { ...noToken, SANDBOXCTL_URL: undefined })).code).toBe(0);

    // The saved token is only ever sent to the controller it was saved for.
    const seen: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"statusCode":401,"message":"Sign in."}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const elsewhere = await cli(['ls', '--url', `http://127.0.0.1:${(other.address() as AddressInfo).port}`], noToken);
      expect(elsewhere.code).toBe(4);
      expect(seen).toEqual([undefined]);
    } finally {
      other.close();
    }
  });
});

/** The archive written last under `dir` (the hibernation archive just saved). */
function newestArchive(dir: string): string {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.pgdump')).map((f) => join(dir, f));
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

function flipByteOf(file: string): void {
  const bytes = readFileSync(file);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(file, bytes);
}
