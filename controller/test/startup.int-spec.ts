import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import { ControllerProcess, spawnController } from './support/controller-process';
import { containersOf, docker, removeContainers, testPrefix } from './support/harness';
import { signToken, until } from './support/util';

const rows = (r: SandboxResult | undefined) => (r as RowsResult | undefined)?.rows;

describe('Start-up never waits on one tenant (real Docker)', () => {
  const prefix = testPrefix();
  const secret = 's'.repeat(40);
  const env = { SANDBOX_PREFIX: prefix, JWT_SECRET: secret, SANDBOX_WARM_POOL: '1', WEB_DIST: '/nonexistent' };
  const running: ControllerProcess[] = [];
  const tokens = {
    a: signToken({ sub: 'a', role: 'pro' }, secret),
    b: signToken({ sub: 'b', role: 'pro' }, secret),
    c: signToken({ sub: 'c', role: 'pro' }, secret),
  };
  const exec = (url: string, user: keyof typeof tokens, sql: string) =>
    fetch(`${url}/api/sandbox/exec`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as SandboxResult[], replaced: r.headers.get('x-sandbox-replaced') }));

  afterAll(async () => {
    for (const c of running) await c.stop('SIGKILL');
    // A paused container cannot be cleaned up by anyone else: unpause before removing.
    const paused = docker(['ps', '-q', '--filter', 'status=paused', '--filter', `label=pgsbx.prefix=${prefix}`])
      .split('\n')
      .filter(Boolean);
    if (paused.length) docker(['unpause', ...paused]);
    removeContainers(prefix);
  });

  it('serves B at once after a restart while A (connection limit 0) and C (paused) get fresh sandboxes with a notice; nothing duplicated', async () => {
    const first = await spawnController(env);
    running.push(first);
    expect((await exec(first.url, 'a', 'create table mine(v int); alter database sandbox connection limit 0')).status).toBe(200);
    expect((await exec(first.url, 'b', "create table kept(v text); insert into kept values ('still here')")).status).toBe(200);
    expect((await exec(first.url, 'c', 'create table mine(v int)')).status).toBe(200);
    docker(['pause', `${prefix}-u-c`]);
    await first.stop('SIGKILL');

    const startedAt = Date.now();
    const second = await spawnController(env); // resolves once /healthz answers 200
    running.push(second);
    const b = await exec(second.url, 'b', 'select v from kept');
    const bAnsweredMs = Date.now() - startedAt;
    expect(b.status).toBe(200);
    expect(rows(b.body[0])).toEqual([{ v: 'still here' }]);
    expect(b.replaced).toBeNull();
    // Generous: the old controller kept HTTP down ~30 s behind A's adoption alone.
    expect(bAnsweredMs).toBeLessThan(10_000);

    for (const user of ['a', 'c'] as const) {
      const res = await exec(second.url, user, "select count(*)::int as n from pg_tables where tablename = 'mine'");
      expect({ user, status: res.status }).toEqual({ user, status: 200 });
      expect(rows(res.body[0])).toEqual([{ n: 0 }]); // a fresh sandbox: the old table is gone
      expect(res.replaced).toMatch(/could not be taken over after a controller restart/);
      expect((res.body[0] as RowsResult).notices?.[0]?.message).toMatch(/replaced with a fresh one; its data is gone/);
      const again = await exec(second.url, user, 'select 1 as one');
      expect(rows(again.body[0])).toEqual([{ one: 1 }]);
      expect(again.replaced).toBeNull(); // told once
      expect((again.body[0] as ErrorResult).error).toBeUndefined();
    }

    await until('recovered', () => second.output().includes('"msg":"recovered"'), 20_000);
    await until('old containers gone', () => containersOf(prefix).every((c) => /-(u|pool)-/.test(c.name)), 20_000);
    const names = containersOf(prefix).map((c) => c.name);
    for (const user of ['a', 'b', 'c']) expect(names.filter((n) => n === `${prefix}-u-${user}`)).toHaveLength(1);
    expect(new Set(names).size).toBe(names.length);
    expect(docker(['ps', '-q', '--filter', 'status=paused', '--filter', `label=pgsbx.prefix=${prefix}`])).toBe('');
  });
});
