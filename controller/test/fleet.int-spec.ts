import type { ErrorResult, RowsResult } from '@pgsbx/contract';
import { signToken, sleep, until } from './support/util';
import { spawnController } from './support/controller-process';
import { Harness, containersOf, removeContainers, startHarness, testPrefix } from './support/harness';

const poolOf = (prefix: string) => containersOf(prefix).filter((c) => c.name.startsWith(`${prefix}-pool-`));

describe('Fleet lifecycle (real Docker)', () => {
  describe('warm pool', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ SANDBOX_WARM_POOL: '2' });
      await until('pool of 2', () => h.fleet.poolStatus.ready === 2);
    });
    afterAll(() => h?.close());

    it('gives a new user a pool container renamed to theirs, then refills the pool', async () => {
      const poolIds = poolOf(h.prefix).map((c) => c.id);
      expect(poolIds).toHaveLength(2);
      const res = await h.exec(h.token('pooled'), 'select 1');
      expect(res.status).toBe(200);
      const mine = containersOf(h.prefix).find((c) => c.name === `${h.prefix}-u-pooled`);
      expect(poolIds).toContain(mine?.id);
      await until('pool refilled', () => h.fleet.poolStatus.ready === 2);
      expect(poolOf(h.prefix)).toHaveLength(2);
      const stats = await h.request('GET', '/api/admin/stats', h.token('ops', 'admin'));
      expect(stats.body.provisioningMs.pool.count).toBe(1);
    });

    it('reset claims from the pool too', async () => {
      const t = h.token('resetpool');
      await h.exec(t, 'select 1');
      await until('pool refilled', () => h.fleet.poolStatus.ready === 2);
      const poolIds = poolOf(h.prefix).map((c) => c.id);
      expect((await h.request('POST', '/api/sandbox/reset', t)).status).toBe(200);
      const mine = containersOf(h.prefix).find((c) => c.name === `${h.prefix}-u-resetpool`);
      expect(poolIds).toContain(mine?.id);
    });

    it('refuses admin routes to non-admins', async () => {
      const pro = await h.request('GET', '/api/admin/sandboxes', h.token('p', 'pro'));
      expect(pro.status).toBe(403);
      expect(pro.body.message).toMatch(/operators/);
      expect((await h.request('PUT', '/api/admin/pool', h.token('p', 'sponsor'), { size: 0 })).status).toBe(403);
      expect((await h.request('GET', '/api/admin/sandboxes', h.token('ops', 'admin'))).status).toBe(200);
    });

    it('serves health and Prometheus metrics', async () => {
      const health = await h.request('GET', '/healthz');
      expect(health.body).toMatchObject({ status: 'ok', docker: true, image: { present: true } });
      const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/pgsbx_provision_seconds_count\{source="pool"\} [1-9]/);
      expect(metrics).toMatch(/pgsbx_pool_ready \d/);
    });
  });

  describe('reaper', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ SANDBOX_WARM_POOL: '0', SANDBOX_IDLE_TIMEOUT: '2s', SANDBOX_REAP_INTERVAL: '250ms' });
    });
    afterAll(() => h?.close());

    it('reaps an idle sandbox within seconds and keeps one that is running a statement', async () => {
      const idle = h.token('idler');
      const busy = h.token('worker');
      await h.exec(idle, 'select 1');
      const running = h.exec(busy, 'select pg_sleep(4) as slept');
      await until('idle sandbox reaped', () => !containersOf(h.prefix).some((c) => c.name === `${h.prefix}-u-idler`), 10_000);
      expect(containersOf(h.prefix).some((c) => c.name === `${h.prefix}-u-worker`)).toBe(true);
      const done = await running;
      expect((done.body[0] as RowsResult).command).toBe('SELECT');
      const stats = await h.request('GET', '/api/admin/stats', h.token('ops', 'admin'));
      expect(stats.body.reaps.idle).toBeGreaterThanOrEqual(1);
    });
  });

  describe('capacity', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ SANDBOX_WARM_POOL: '0', SANDBOX_MAX: '2' });
    });
    afterAll(() => h?.close());

    it('at the cap answers 503 with Retry-After when all are busy, else evicts the least recently used idle sandbox', async () => {
      const a = h.token('cap-a');
      const b = h.token('cap-b');
      const c = h.token('cap-c');
      await h.exec(a, 'select 1');
      await h.exec(b, 'select 1');
      // Both are busy now: no room for c.
      const ra = h.exec(a, 'select pg_sleep(2)');
      const rb = h.exec(b, 'select pg_sleep(2)');
      await until('both busy', () => h.fleet.list().every((s) => s.state === 'busy'));
      const refused = await h.exec(c, 'select 1');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(refused.body.message).toMatch(/All sandboxes are in use/);
      await Promise.all([ra, rb]);
      await h.exec(b, 'select 1'); // b is now the more recently used
      const ok = await h.exec(c, 'select 1');
      expect(ok.status).toBe(200);
      expect(
        h.fleet
          .list()
          .map((s) => s.userId)
          .sort(),
      ).toEqual(['cap-b', 'cap-c']);
      const stats = await h.request('GET', '/api/admin/stats', h.token('ops', 'admin'));
      expect(stats.body.reaps.evicted).toBe(1);
    });
  });

  describe('container deaths', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ SANDBOX_WARM_POOL: '1', SANDBOX_MEMORY: '192m', SANDBOX_DATA_SIZE: '64m' });
    });
    afterAll(() => h?.close());

    it('a sandbox killed by its memory limit is replaced, and the user is told why', async () => {
      const t = h.token('hungry');
      await h.exec(t, 'create table before_oom(x int)');
      const hog = await h.exec(t, "select length(string_agg(repeat('x', 1000000), '')) from generate_series(1, 600)");
      expect('error' in hog.body[0]).toBe(true);
      const next = await h.exec(t, 'select count(*) from pg_tables where tablename = $$before_oom$$');
      expect(next.status).toBe(200);
      expect(next.headers.get('x-sandbox-replaced')).toMatch(/ran out of memory at its limit of 192 MB/);
      const first = next.body[0] as RowsResult;
      expect(first.notices?.[0].message).toMatch(/ran out of memory/);
      expect(first.rows).toEqual([{ count: '0' }]);
      // Told once.
      const again = await h.exec(t, 'select 1');
      expect(again.headers.get('x-sandbox-replaced')).toBeNull();
    });

    it('a sandbox whose container is killed from outside gets a fresh one on the next exec', async () => {
      const t = h.token('victim');
      await h.exec(t, 'select 1');
      const { execFileSync } = await import('node:child_process');
      execFileSync('docker', ['kill', `${h.prefix}-u-victim`]);
      await until('death noticed', () => h.fleet.find('victim') === undefined, 10_000);
      const next = await h.exec(t, 'select 2 as two');
      expect((next.body[0] as RowsResult).rows).toEqual([{ two: 2 }]);
      expect(next.headers.get('x-sandbox-replaced')).toMatch(/stopped/);
    });
  });

  describe('restart recovery', () => {
    const prefix = testPrefix();
    const secret = 'r'.repeat(40);
    const env = {
      SANDBOX_PREFIX: prefix,
      JWT_SECRET: secret,
      SANDBOX_WARM_POOL: '2',

      WEB_DIST: '/nonexistent',
    };
    afterAll(() => {
      removeContainers(prefix);
    });

    it('kill -9 under traffic, then start again: sandboxes adopted with their data, no duplicates, pool refilled', async () => {
      const token = signToken({ sub: 'survivor', role: 'pro' }, secret);
      const exec = (url: string, sql: string) =>
        fetch(`${url}/api/sandbox/exec`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ sql }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as (RowsResult | ErrorResult)[] }));

      const first = await spawnController(env);
      await exec(first.url, "create table kept(v text); insert into kept values ('still here')");
      const others = ['a1', 'a2', 'a3'].map((u) => signToken({ sub: u, role: 'pro' }, secret));
      // Traffic in flight while the controller dies.
      const traffic = others.map((tk) =>
        fetch(`${first.url}/api/sandbox/exec`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tk}`, 'content-type': 'application/json' },
          body: JSON.stringify({ sql: 'select pg_sleep(0.2)' }),
        }).catch(() => null),
      );
      await sleep(100);
      await first.stop('SIGKILL');
      await Promise.all(traffic);

      const second = await spawnController(env);
      try {
        await until('recovered', () => second.output().includes('"msg":"recovered"'), 20_000);
        const res = await exec(second.url, 'select v from kept');
        expect(res.status).toBe(200);
        expect((res.body[0] as RowsResult).rows).toEqual([{ v: 'still here' }]);
        const names = containersOf(prefix).map((c) => c.name);
        expect(names.filter((n) => n === `${prefix}-u-survivor`)).toHaveLength(1);
        expect(new Set(names).size).toBe(names.length);
        await until('pool refilled', () => poolOf(prefix).length === 2, 20_000);
        // Idle clocks restart from the restart: nobody adopted is reaped early.
        const admin = signToken({ sub: 'ops', role: 'admin' }, secret);
        const list = await fetch(`${second.url}/api/admin/sandboxes?stats=0`, { headers: { authorization: `Bearer ${admin}` } }).then(
          (r) => r.json() as Promise<{ user: string; idleMs: number }[]>,
        );
        expect(list.find((s) => s.user === 'survivor')).toBeDefined();
        expect(Math.max(...list.map((s) => s.idleMs))).toBeLessThan(20_000);
        // No orphans: every container of the fleet is a user sandbox or a pool container.
        await until('no leftovers', () => containersOf(prefix).every((c) => /-(u|pool)-/.test(c.name)), 10_000);
      } finally {
        await second.stop('SIGTERM');
      }
    });
  });
});
