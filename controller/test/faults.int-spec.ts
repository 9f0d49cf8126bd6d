import type { RowsResult } from '@pgsbx/contract';
import { signToken, sleep, until } from './support/util';
import { execFileSync, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { spawnController } from './support/controller-process';
import { Harness, containersOf, docker, removeContainers, startHarness, testPrefix } from './support/harness';

const dockerdRunning = () => {
  try {
    execFileSync('pidof', ['dockerd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const dockerUp = () => {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
};

describe('Faults (real Docker)', () => {
  describe('the controller killed during provisioning', () => {
    const prefix = testPrefix();
    const secret = 'k'.repeat(40);
    const env = { SANDBOX_PREFIX: prefix, JWT_SECRET: secret, SANDBOX_WARM_POOL: '1', WEB_DIST: '/nonexistent' };
    afterAll(() => {
      removeContainers(prefix);
    });

    it('leaves no orphan and no duplicate after the restart', async () => {
      const users = ['p1', 'p2', 'p3', 'p4'];
      const exec = (url: string, user: string) =>
        fetch(`${url}/api/sandbox/exec`, {
          method: 'POST',
          headers: { authorization: `Bearer ${signToken({ sub: user, role: 'pro' }, secret)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ sql: 'select 1 as one' }),
        });
      const first = await spawnController(env);
      // Four new users at once: one gets the pool container, three start cold; die mid-way.
      const inflight = users.map((u) => exec(first.url, u).catch(() => null));
      await sleep(250);
      await first.stop('SIGKILL');
      await Promise.all(inflight);

      const second = await spawnController(env);
      try {
        await until('recovered', () => second.output().includes('"msg":"recovered"'), 30_000);
        for (const u of users) {
          const res = await exec(second.url, u);
          expect({ u, status: res.status }).toEqual({ u, status: 200 });
          expect(((await res.json()) as RowsResult[])[0].rows).toEqual([{ one: 1 }]);
        }
        const names = containersOf(prefix).map((c) => c.name);
        for (const u of users) expect(names.filter((n) => n === `${prefix}-u-${u}`)).toHaveLength(1);
        // Everything left is a running user sandbox or pool container.
        await until('no orphans', () => {
          const all = docker(['ps', '-a', '--filter', `label=pgsbx.prefix=${prefix}`, '--format', '{{.Names}} {{.State}}'])
            .split('\n')
            .filter(Boolean);
          return all.every((l) => /-(u|pool)-\S+ running$/.test(l));
        });
      } finally {
        await second.stop();
      }
    });
  });

  describe('the Docker engine restarted', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ SANDBOX_WARM_POOL: '1', SANDBOX_REAP_INTERVAL: '500ms' });
    });
    afterAll(async () => {
      // If the test failed half-way, bring the engine back for whatever runs next.
      if (!dockerUp()) {
        await until('dockerd gone', () => !dockerdRunning(), 60_000).catch(() => undefined);
        if (!dockerdRunning()) startDockerd();
        await until('docker back', dockerUp, 60_000).catch(() => undefined);
      }
      await h?.close();
    });

    function startDockerd(): void {
      const log = openSync('/var/log/dockerd.log', 'a');
      spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
    }

    it('answers 503 while it is down and recovers without a controller restart', async () => {
      const a = h.token('before');
      expect((await h.exec(a, 'create table t(x int)')).status).toBe(200);

      const pid = execFileSync('pidof', ['dockerd'], { encoding: 'utf8' }).trim().split(/\s+/)[0];
      process.kill(Number(pid), 'SIGTERM');
      // Down for good: the daemon has stopped the containers and exited.
      await until('dockerd exited', () => !dockerdRunning(), 150_000);

      const down = await h.exec(h.token('during'), 'select 1');
      expect(down.status).toBe(503);
      expect(down.body.message).toMatch(/cannot reach its container engine \(Docker\)/);
      const health = await h.request('GET', '/healthz');
      expect(health.status).toBe(503);
      expect(health.body.docker).toBe(false);
      // The user who had a sandbox gets an answer, not a crash: an error result or a 503.
      const old = await h.exec(a, 'select 1');
      expect([200, 503]).toContain(old.status);

      startDockerd();
      await until('docker up', dockerUp, 60_000);
      await until('controller serves again', async () => (await h.exec(h.token('during'), 'select 1')).status === 200, 60_000);
      const again = await h.exec(a, "select count(*)::int as n from pg_tables where tablename = 't'");
      expect(again.status).toBe(200);
      // Its container died with the engine: a fresh sandbox, and the user is told.
      expect((again.body[0] as RowsResult).rows).toEqual([{ n: 0 }]);
      await until('pool refilled', () => h.fleet.poolStatus.ready === 1, 60_000);
      expect((await h.request('GET', '/healthz')).status).toBe(200);
    }, 300_000); // a busy engine can take minutes to stop its containers
  });
});
