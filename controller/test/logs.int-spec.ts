import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ControllerProcess, spawnController } from './support/controller-process';
import { removeContainers, testPrefix } from './support/harness';
import { signToken, until } from './support/util';

type Line = Record<string, unknown>;
const linesOf = (out: string): Line[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

describe('Structured logs of the built controller (real Docker)', () => {
  const prefix = testPrefix();
  const secret = 'l'.repeat(40);
  const token = signToken({ sub: 'alice', role: 'pro' }, secret);
  let c: ControllerProcess;

  beforeAll(async () => {
    c = await spawnController({
      SANDBOX_PREFIX: prefix,
      JWT_SECRET: secret,
      SANDBOX_WARM_POOL: '1',
      WEB_DIST: '/nonexistent',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    await c?.stop('SIGKILL');
    removeContainers(prefix);
  });

  const exec = (sql: string, headers: Record<string, string> = {}) =>
    fetch(`${c.url}/api/sandbox/exec`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ sql }),
    });

  it('tags every line of a request with its id, echoes it, and writes one access line with the user', async () => {
    const res = await exec('select 1', { 'x-request-id': 'it-logs-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('it-logs-1');
    await until('access line', () => linesOf(c.output()).some((l) => l.msg === 'request' && l.requestId === 'it-logs-1'), 10_000);
    const mine = linesOf(c.output()).filter((l) => l.requestId === 'it-logs-1');
    // The lifecycle event keeps its fields, and now says which request caused it.
    expect(mine).toContainEqual(
      expect.objectContaining({ level: 'info', context: 'fleet', msg: 'sandbox ready', user: 'alice', container: `${prefix}-u-alice` }),
    );
    expect(mine.filter((l) => l.msg === 'request')).toEqual([
      expect.objectContaining({
        level: 'info',
        context: 'http',
        method: 'POST',
        path: '/api/sandbox/exec',
        status: 200,
        user: 'alice',
        ms: expect.any(Number),
      }),
    ]);
  });

  it('replaces an insane request id, keeps the query string out, and never logs the token', async () => {
    const res = await fetch(`${c.url}/api/nowhere?token=${token}&x=1`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'bad id "quoted" {json}' },
    });
    expect(res.status).toBe(404);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until('access line', () => linesOf(c.output()).some((l) => l.requestId === id && l.msg === 'request'), 10_000);
    expect(linesOf(c.output()).find((l) => l.requestId === id && l.msg === 'request')).toMatchObject({
      path: '/api/nowhere',
      status: 404,
      method: 'GET',
    });
    expect(c.output()).not.toContain(token);
    expect(c.output()).not.toContain(token.split('.')[2]);
  });

  it('gives requests whose body is refused an id and an access line too', async () => {
    const res = await fetch(`${c.url}/api/sandbox/exec`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"sql":',
    });
    expect(res.status).toBe(400);
    const id = res.headers.get('x-request-id');
    await until('access line', () => linesOf(c.output()).some((l) => l.requestId === id && l.status === 400), 10_000);
  });
});

describe('Asynchronous log lines are not lost when the process ends', () => {
  const dist = join(__dirname, '../dist/common');
  const run = (body: string) =>
    spawnSync(
      process.execPath,
      [
        '-e',
        `const { JsonLogger } = require(${JSON.stringify(join(dist, 'json-logger'))}); const { logCrashes } = require(${JSON.stringify(join(dist, 'crash-log'))}); const log = new JsonLogger('info'); ${body}`,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  const N = 20_000;

  it('on a crash: every line, then a fatal one, and Node still exits 1 with the trace on stderr', () => {
    const r = run(`logCrashes(log); for (let i = 0; i < ${N}; i++) log.event('info', 'x', 'line ' + i); throw new Error('boom');`);
    const lines = linesOf(r.stdout);
    expect(lines).toHaveLength(N + 1);
    expect(lines[N]).toMatchObject({ level: 'fatal', context: 'app', msg: 'crashed', origin: 'uncaughtException', error: 'boom' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Error: boom/);
  });

  it('on SIGTERM after the shutdown hook, as Nest does it', () => {
    const r = run(
      `for (let i = 0; i < ${N}; i++) log.event('info', 'x', 'line ' + i); log.onApplicationShutdown(); process.kill(process.pid, 'SIGTERM');`,
    );
    expect(r.signal).toBe('SIGTERM');
    expect(linesOf(r.stdout)).toHaveLength(N);
  });
});
