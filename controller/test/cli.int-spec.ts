import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
