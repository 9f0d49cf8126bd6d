import type { SandboxActivity, SessionActivity } from '@pgsbx/contract';
import { Harness, startHarness } from './support/harness';
import { OpenApiValidator } from './support/openapi-validator';

/** GET /api/sandbox/activity against a real sandbox: who is in a transaction, who waits for whom. */
describe('session activity (real Docker)', () => {
  let h: Harness;
  let api: OpenApiValidator;

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '1' });
    api = new OpenApiValidator((await h.request('GET', '/api/openapi.json')).body);
  });
  afterAll(async () => {
    await h?.close();
  });

  const activity = async (token: string): Promise<SandboxActivity> => {
    const res = await h.request('GET', '/api/sandbox/activity', token);
    expect(res.status).toBe(200);
    expect(api.errors('get', '/api/sandbox/activity', 200, res.body)).toEqual([]);
    return res.body as SandboxActivity;
  };
  const byName = (a: SandboxActivity) => Object.fromEntries(a.sessions.map((s) => [s.name, s])) as Record<string, SessionActivity>;

  it('is empty before the user has a sandbox, and never claims one', async () => {
    const t = h.token('activity-nobody', 'pro');
    expect(await activity(t)).toEqual({ sessions: [] });
    expect((await h.request('GET', '/api/sandbox', t)).body.state).toBe('none');
  });

  it('names the session holding the lock another session waits for, and who is in a transaction', async () => {
    const t = h.token('activity-locker', 'pro');
    await h.exec(t, 'create table acct (id int primary key, v int); insert into acct values (1, 0)');
    await h.exec(t, 'begin; update acct set v = 1 where id = 1');
    await h.exec(t, 'select 1', 'idle');
    const s2 = h.exec(t, 'update acct set v = 2 where id = 1', 's2');

    let seen: Record<string, SessionActivity> = {};
    for (let i = 0; i < 100; i++) {
      seen = byName(await activity(t));
      if (seen.s2?.waitingFor.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.main).toMatchObject({ state: 'idle in transaction', inTransaction: true, waitingFor: [] });
    expect(seen.idle).toMatchObject({ state: 'idle', inTransaction: false, waitingFor: [] });
    expect(seen.s2).toMatchObject({ state: 'active', inTransaction: true, waitingFor: [{ pid: seen.main.pid, session: 'main' }] });
    expect(new Set([seen.main.pid, seen.s2.pid, seen.idle.pid]).size).toBe(3);

    await h.exec(t, 'commit');
    expect((await s2).status).toBe(200);
    const after = byName(await activity(t));
    expect(after.main.inTransaction).toBe(false);
    expect(after.s2).toMatchObject({ state: 'idle', waitingFor: [] });
  });

  it('is for premium users only', async () => {
    expect((await h.request('GET', '/api/sandbox/activity', h.token('activity-basic', 'user'))).status).toBe(403);
    expect((await h.request('GET', '/api/sandbox/activity')).status).toBe(401);
  });
});
