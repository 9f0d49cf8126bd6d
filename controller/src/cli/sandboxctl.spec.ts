import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Route, cliHarness, ok, sandbox } from '../../test/support/cli-harness';
import { ExitCode } from './errors';

const stats = {
  sandboxes: 1,
  busy: 0,
  starting: 0,
  capacity: 50,
  pool: { target: 2, ready: 2, starting: 0, draining: false },
  provisioningMs: { pool: { count: 3, p50: 12, p95: 30 }, cold: { count: 0, p50: null, p95: null } },
  reaps: { idle: 2 },
  image: 'pgsbx/postgres:17',
  imagePresent: true,
};

describe('sandboxctl', () => {
  it('ls prints the table, filtered by --state and sorted by --sort', async () => {
    const sut = cliHarness({
      'GET /api/admin/sandboxes': ok([
        sandbox('bob', { memoryBytes: 50 * 1024 * 1024, state: 'busy' }),
        sandbox('alice', { sessions: ['main', 's2'] }),
      ]),
    });
    const all = await sut.run('ls');
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(
      [
        'USER   CONTAINER     STATE  AGE  IDLE       MEM   CPU  SESSIONS',
        'alice  alice0000000  ready   7m    2m  20.0 MiB  0.5%  main,s2',
        'bob    bob000000000  busy    7m    2m  50.0 MiB  0.5%  main',
        '',
      ].join('\n'),
    );
    expect((await sut.run('ls', '--sort', 'mem')).stdout.split('\n')[1]).toMatch(/^bob /);
    expect((await sut.run('ls', '--state', 'ready')).stdout).not.toMatch(/^bob /m);
    expect(sut.calls.every((c) => c.auth === 'Bearer admin-token')).toBe(true);
  });

  it('ls on a swarm says which node each sandbox runs on', async () => {
    const sut = cliHarness({
      'GET /api/admin/sandboxes': ok([sandbox('alice', { node: 'worker-2' }), sandbox('bob', { node: 'manager-1' })]),
    });
    const lines = (await sut.run('ls')).stdout.split('\n');
    expect(lines[0]).toMatch(/SESSIONS +NODE$/);
    expect(lines[1]).toMatch(/^alice .* worker-2$/);
    expect(lines[2]).toMatch(/^bob .* manager-1$/);
  });

  it('--json prints the body exactly as the controller sent it', async () => {
    const body = [sandbox('alice')];
    const sut = cliHarness({ 'GET /api/admin/sandboxes': ok(body), 'GET /api/admin/stats': ok({ sandboxes: 1 }) });
    expect((await sut.run('ls', '--json')).stdout).toBe(JSON.stringify(body) + '\n');
    expect((await sut.run('stats', '--json')).stdout).toBe('{"sandboxes":1}\n');
  });

  it('destructive commands refuse without a TTY and --yes (exit 2), before sending anything', async () => {
    const sut = cliHarness({});
    for (const argv of [['reset', 'alice'], ['rm', 'alice'], ['drain'], ['reap', '--idle', '10m']]) {
      const r = await sut.run(...argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: ExitCode.usage });
      expect(r.stderr).toMatch(/^sandboxctl: refusing to .* without confirmation: stdin is not a terminal; pass --yes to confirm\n$/);
    }
    expect(sut.calls).toEqual([]);
  });

  it('asks on a TTY, and does nothing unless the answer is yes', async () => {
    const routes = { 'DELETE /api/admin/sandboxes/alice': ok({ removed: true }) };
    const no = cliHarness(routes, { tty: true, answer: 'n' });
    expect((await no.run('rm', 'alice')).code).toBe(ExitCode.usage);
    expect(no.prompts).toEqual([
      "Remove alice's sandbox and all its data, including their saved database and checkpoints (archives)? [y/N] ",
    ]);
    expect(no.calls).toEqual([]);
    const yes = cliHarness(routes, { tty: true, answer: 'y' });
    expect(await yes.run('rm', 'alice')).toMatchObject({ code: 0, stdout: "Removed alice's sandbox and saved databases.\n" });
  });

  it('reap on a TTY shows what it would reap first; --yes and --dry-run skip the question', async () => {
    const reap: Route = (c) => ({
      body: {
        dryRun: (c.body as { dryRun: boolean }).dryRun,
        reaped: [{ userId: 'alice', container: 'pgsbx-u-alice', reason: 'idle', idleMs: 700_000 }],
      },
    });
    const tty = cliHarness({ 'POST /api/admin/reap': reap }, { tty: true, answer: 'yes' });
    const r = await tty.run('reap', '--idle', '10m');
    expect(r.code).toBe(0);
    expect(tty.calls.map((c) => c.body)).toEqual([
      { dryRun: true, idle: '10m' },
      { dryRun: false, idle: '10m' },
    ]);
    expect(r.stdout).toMatch(
      /^Would reap 1 sandbox \(dry run\):\n[\s\S]*^Reaped 1 sandbox:\nUSER +CONTAINER +REASON +IDLE\nalice +pgsbx-u-alice +idle +11m$/m,
    );

    const dry = cliHarness({ 'POST /api/admin/reap': reap });
    expect((await dry.run('reap', '--dry-run', '--idle', '0s')).code).toBe(0);
    expect(dry.calls.map((c) => c.body)).toEqual([{ dryRun: true, idle: '0ms' }]);
  });

  it('validates arguments before calling the controller (exit 2)', async () => {
    const sut = cliHarness({});
    for (const argv of [
      ['pool', 'set', '101'],
      ['pool', 'set', 'x'],
      ['reap', '--idle', '10 minutes'],
      ['ls', '--sort', 'cpu'],
      ['logs', 'a', '--tail', '0'],
      ['inspect'],
      ['bogus'],
    ]) {
      expect({ argv, code: (await sut.run(...argv)).code }).toEqual({ argv, code: ExitCode.usage });
    }
    expect(sut.calls).toEqual([]);
  });

  it('pool set sends the size; inspect and logs put the user in the path', async () => {
    const sut = cliHarness({
      'PUT /api/admin/pool': (c) => ({ body: { target: (c.body as { size: number }).size, ready: 1, starting: 1, draining: false } }),
      'GET /api/admin/sandboxes/a%2Fb/logs': ok({ logs: 'LOG: ready\n' }),
    });
    expect((await sut.run('pool', 'set', '2')).stdout).toBe('Pool target set to 2: 1 ready, 1 starting, target 2.\n');
    expect((await sut.run('logs', 'a/b', '--tail', '5')).stdout).toBe('LOG: ready\n');
    expect(sut.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['PUT /api/admin/pool', 'GET /api/admin/sandboxes/a%2Fb/logs?tail=5']);
  });

  it("logs shows a user's terminal escape sequences escaped, as text and as JSON", async () => {
    const logs = 'WARNING:  \u001b]0;pwned\u0007\u001b[2J\u009b31mhi\n\tdetail\n';
    const sut = cliHarness({ 'GET /api/admin/sandboxes/mallory/logs': ok({ logs }) });
    const text = (await sut.run('logs', 'mallory')).stdout;
    expect(text).toBe('WARNING:  \\x1b]0;pwned\\x07\\x1b[2J\\x9b31mhi\n\tdetail\n');
    const json = (await sut.run('logs', 'mallory', '--json')).stdout;
    // eslint-disable-next-line no-control-regex -- asserting no control character got through
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.parse(json)).toEqual({ logs });
  });

  it('ends with one stderr line and the exit code of the failure', async () => {
    const sut = cliHarness({
      'GET /api/admin/sandboxes/nobody': () => ({ status: 404, body: { statusCode: 404, message: 'User "nobody" has no sandbox.' } }),
    });
    expect(await sut.run('inspect', 'nobody')).toEqual({
      code: 5,
      stdout: '',
      stderr: 'sandboxctl: User "nobody" has no sandbox. [HTTP 404]\n',
    });
  });

  it('top draws --iterations frames, clearing the screen on a TTY, and stops on Ctrl+C', async () => {
    const routes = { 'GET /api/admin/stats': ok(stats), 'GET /api/admin/sandboxes': ok([sandbox('alice')]) };
    const tty = cliHarness(routes, { tty: true });
    const r = await tty.run('top', '--iterations', '3', '--interval', '1s');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\x1b[H\x1b[2J')).toHaveLength(4);
    expect(r.stdout).toMatch(/pool 12ms\/30ms, cold -\/- {3}reaps: idle 2/);
    expect(r.stdout).toMatch(/^alice /m);

    const json = await cliHarness(routes, { tty: true }).run('top', '--json', '--iterations', '2');
    const lines = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([1, 2].map(() => ({ at: '2026-01-01T12:00:00.000Z', stats, sandboxes: [sandbox('alice')] })));

    const endless = cliHarness(routes);
    const running = endless.run('top');
    setTimeout(() => endless.interrupt(), 20);
    const stopped = await running;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).not.toContain('\x1b[');
  });

  it('top keeps going while the controller is unreachable, and exits 3 if it still is at the end', async () => {
    let up = false;
    const down =
      (body: unknown): Route =>
      () => {
        if (!up) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        return { body };
      };
    const sut = cliHarness({ 'GET /api/admin/stats': down(stats), 'GET /api/admin/sandboxes': down([]) });
    const r = await sut.run('top', '--iterations', '2');
    expect(r.code).toBe(ExitCode.unreachable);
    expect(r.stdout.match(/cannot reach the controller at http:\/\/ctl:3000 \(ECONNREFUSED\).*; retrying/g)).toHaveLength(2);
    expect(r.stderr).toMatch(/^sandboxctl: cannot reach/);
    up = true;
    expect((await sut.run('top', '--iterations', '1')).code).toBe(0);
  });

  describe('login', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sandboxctl-login-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const authRoutes = (devLogin: boolean): Record<string, Route> => ({
      'GET /api/auth/config': ok({ devLogin }),
      'POST /api/auth/dev-login': (c) => ({ body: { token: `dev:${(c.body as { userId: string }).userId}` } }),
      'GET /api/auth/me': (c) => ({ body: { userId: c.auth?.replace(/^Bearer (dev:)?/, ''), role: 'admin', premium: true } }),
      'GET /api/admin/pool': ok({ target: 2, ready: 2, starting: 0, draining: false }),
    });

    it('dev login saves url and token 0600; later commands send that token to that URL only', async () => {
      const config = join(dir, 'sandboxctl', 'config.json');
      const env = { SANDBOXCTL_CONFIG: config, SANDBOXCTL_TOKEN: '' };
      const sut = cliHarness(authRoutes(true), { env });
      const r = await sut.run('login', '--user', 'ops');
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toBe(`Logged in to http://ctl:3000 as ops (role admin); token saved in ${config}.\n`);
      expect(sut.calls[1]).toMatchObject({ method: 'POST', path: '/api/auth/dev-login', body: { userId: 'ops', role: 'admin' } });
      expect(statSync(config).mode & 0o777).toBe(0o600);

      await sut.run('pool');
      expect(sut.calls.at(-1)).toMatchObject({ path: '/api/admin/pool', auth: 'Bearer dev:ops' });
      await sut.run('pool', '--token', 'flag-token');
      expect(sut.calls.at(-1)?.auth).toBe('Bearer flag-token');
      await sut.run('pool', '--url', 'http://elsewhere:3000');
      expect(sut.calls.at(-1)?.auth).toBeUndefined();
    });

    it('with dev login off it asks for --token (exit 4), and stores a --token it could verify', async () => {
      const env = { SANDBOXCTL_CONFIG: join(dir, 'c.json'), SANDBOXCTL_TOKEN: '' };
      const sut = cliHarness(authRoutes(false), { env });
      const off = await sut.run('login');
      expect(off.code).toBe(ExitCode.unauthorized);
      expect(off.stderr).toMatch(/dev login is off at http:\/\/ctl:3000: .*sandboxctl login --token <JWT>/);
      const withToken = await sut.run('login', '--token', 'idp-jwt');
      expect(withToken.stdout).toMatch(/as idp-jwt \(role admin\)/);
      expect(sut.calls.at(-1)).toMatchObject({ path: '/api/auth/me', auth: 'Bearer idp-jwt' });
    });
  });
});
