import { type ApiAnswer, errorOf, rows } from '../../src/cluster/deployed-api';
import { until } from '../../src/cluster/dind-cluster';

type Api = (method: string, path: string, user?: string, body?: unknown, role?: string) => Promise<ApiAnswer>;

/**
 * What every deployment must give its users, registered as tests inside a deployment's describe
 * (stack.cluster-spec.ts, compose.cluster-spec.ts). Expects alice's table `notes` to exist (each
 * spec creates it first, checking what is particular to its deployment on the way).
 */
export function itKeepsUsersApartResetsAndHibernates(api: Api, controllerLogs: () => string): void {
  const exec = (user: string, sql: string) => api('POST', '/api/sandbox/exec', user, { sql });

  it("keeps users apart: bob sees none of alice's tables", async () => {
    const res = await exec('bob', 'select t from notes');
    expect(res.status).toBe(200);
    expect(errorOf(res.body[0])?.message).toMatch(/relation "notes" does not exist/);
  });

  it('reset gives an empty database', async () => {
    const reset = await api('POST', '/api/sandbox/reset', 'alice');
    if (reset.status >= 300) throw new Error(`reset answered ${reset.status}: ${JSON.stringify(reset.body)}\n${controllerLogs()}`);
    const res = await exec('alice', 'select t from notes');
    expect(errorOf(res.body[0])?.message).toMatch(/relation "notes" does not exist/);
  });

  it('the reaper hibernates an idle sandbox, and the next exec wakes it with its data', async () => {
    await exec('carol', 'create table kept (v int); insert into kept select generate_series(1, 1000)');
    await new Promise((r) => setTimeout(r, 1500)); // idle for longer than the reap below asks
    const reaped = await api('POST', '/api/admin/reap', 'ops', { idle: '1s' }, 'admin');
    expect(reaped.status).toBe(200);
    await until(
      'carol hibernated',
      async () => ((await api('GET', '/api/sandbox', 'carol')).body.state === 'hibernated' ? true : undefined),
      60_000,
    );
    const res = await exec('carol', 'select count(*)::int as n from kept');
    expect(res.status).toBe(200);
    expect(rows(res.body[0])).toEqual([{ n: 1000 }]);
  });
}
