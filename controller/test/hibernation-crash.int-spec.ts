import type { RowsResult } from '@pgsbx/contract';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { testArchiveDir } from './support/archive-dirs';
import { spawnController, ControllerProcess } from './support/controller-process';
import { containersOf, removeContainers, testPrefix } from './support/harness';
import { signToken, sleep, until } from './support/util';

/** Files under the archive directory (recursively), temporary ones included. */
function archiveFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/**
 * The controller killed (-9) in the middle of a hibernate or of a wake, at several points: the
 * user's data is whole afterwards (in the old container or the new archive), with one container
 * at most and no temporary files left once the next controller has swept.
 */
describe('Hibernation under kill -9 (real Docker)', () => {
  const prefix = testPrefix();
  const secret = 'k'.repeat(40);
  const env = {
    SANDBOX_PREFIX: prefix,
    JWT_SECRET: secret,
    SANDBOX_WARM_POOL: '1',
    SANDBOX_IDLE_TIMEOUT: '1s',
    SANDBOX_REAP_INTERVAL: '100ms',
    WEB_DIST: '/nonexistent',
  };
  const token = signToken({ sub: 'kim', role: 'pro' }, secret);
  const admin = signToken({ sub: 'ops', role: 'admin' }, secret);
  const exec = (c: ControllerProcess, sql: string) =>
    fetch(`${c.url}/api/sandbox/exec`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as RowsResult[] }));
  const state = (c: ControllerProcess) =>
    fetch(`${c.url}/api/sandbox`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ state: string }>);
  const userContainers = () => containersOf(prefix).filter((c) => c.name === `${prefix}-u-kim`);
  let running: ControllerProcess | undefined;

  afterAll(async () => {
    await running?.stop('SIGKILL');
    removeContainers(prefix);
  });

  // ~20 MB: the dump and the restore each take long enough to be cut in the middle.
  const DATA = 'create table big as select g, md5(g::text) || md5((g + 1)::text) as h from generate_series(1, 250000) g';
  const CHECK = 'select count(*)::int as n, sum(g)::bigint as s from big';
  const EXPECTED = [{ n: 250000, s: '31250125000' }];

  it('killed during hibernates and wakes at several points: no data lost, no duplicate, no leftovers', async () => {
    running = await spawnController(env);
    expect((await exec(running, DATA)).status).toBe(200);
    // Cut points after the sandbox went idle (hibernate starts at ~1 s) and after a wake began.
    for (const [i, cutMs] of [1050, 1200, 1400, 1700].entries()) {
      await sleep(cutMs);
      await running.stop('SIGKILL');
      running = await spawnController(env);
      const after = await exec(running, CHECK);
      expect({ round: i, status: after.status, rows: after.body[0]?.rows }).toEqual({ round: i, status: 200, rows: EXPECTED });
      expect(userContainers()).toHaveLength(1);

      // Now cut a wake: hibernate fully, then kill while the next exec restores.
      await until('hibernated', async () => (await state(running!)).state === 'hibernated', 20_000);
      const waking = exec(running, CHECK).catch(() => null);
      await sleep([50, 150, 300, 500][i]);
      await running.stop('SIGKILL');
      await waking;
      running = await spawnController(env);
      const woke = await exec(running, CHECK);
      expect({ round: i, status: woke.status, rows: woke.body[0]?.rows }).toEqual({ round: i, status: 200, rows: EXPECTED });
      expect(userContainers()).toHaveLength(1);
    }
    // Whole archives only, besides temporary files of cut writes (retention removes those after a
    // minute); and no containers of retired sandboxes left behind.
    expect(archiveFiles(testArchiveDir(prefix)).filter((f) => !f.includes('.tmp-')).length).toBeLessThanOrEqual(1);
    await until('no retired containers', () => !containersOf(prefix).some((c) => c.name.includes('-gone-')), 30_000);
    const list = await fetch(`${running.url}/api/admin/sandboxes?stats=0`, { headers: { authorization: `Bearer ${admin}` } });
    expect(list.status).toBe(200);
  });

  it('a controller shutting down (SIGTERM) saves its sandboxes; the next one restores them on demand', async () => {
    await running?.stop('SIGKILL');
    running = await spawnController({ ...env, SANDBOX_IDLE_TIMEOUT: '10m', SANDBOX_HIBERNATE_ON_SHUTDOWN: 'on' });
    await exec(running, 'insert into big values (0, $$shutdown$$)');
    await running.stop('SIGTERM');
    expect(running.output()).toContain('"msg":"sandbox hibernated"');
    expect(userContainers()).toEqual([]);
    running = await spawnController(env);
    expect((await state(running)).state).toBe('hibernated');
    const res = await exec(running, 'select h from big where g = 0');
    expect(res.body[0].rows).toEqual([{ h: 'shutdown' }]);
  });
});
