import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import { Harness, docker, startHarness } from './support/harness';
import { until } from './support/util';

const err = (r: SandboxResult | undefined) => (r as ErrorResult | undefined)?.error;
const rows = (r: SandboxResult | undefined) => (r as RowsResult | undefined)?.rows;

const LIMIT_MS = 2000;
/** Watchdog slack + cancel + grace + terminate + grace, and room for a loaded machine. */
const STOP_BOUND_MS = LIMIT_MS + 500 + 2 * 2000 + 6000;

/** Statements that catch the cancel and carry on: only termination ends them. */
const RUNAWAYS: [string, string][] = [
  [
    'a CPU loop catching query_canceled',
    `do $$ begin loop begin perform count(*) from generate_series(1, 1000); exception when query_canceled then null; end; end loop; end $$`,
  ],
  [
    'a pg_sleep loop catching query_canceled',
    `do $$ begin loop begin perform pg_sleep(0.1); exception when query_canceled then null; end; end loop; end $$`,
  ],
];
const CPU_RUNAWAY = RUNAWAYS[0][1];

describe('Runaway statements (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      SANDBOX_STATEMENT_TIMEOUT: `${LIMIT_MS}ms`,
      SANDBOX_REQUEST_TIMEOUT: '6s',
      SANDBOX_WARM_POOL: '3',
    });
  });
  afterAll(() => h?.close());

  /** Runs `sql` and how long the request took. */
  async function timed(token: string, sql: string, session?: string) {
    const t0 = Date.now();
    const res = await h.exec(token, sql, session);
    return { res, ms: Date.now() - t0 };
  }

  /** Waits until `sql` runs on the session (seen from another session), so a cancel has a target. */
  async function untilRunning(token: string, marker: string) {
    await until(`"${marker}" running`, async () => {
      const res = await h.exec(
        token,
        `select count(*)::int as n from pg_stat_activity where state = 'active' and query like '%${marker}%' and pid <> pg_backend_pid()`,
        'probe',
      );
      return rows(res.body[0])?.[0]?.n === 1;
    });
  }

  async function expectReapable(userId: string) {
    expect((await h.request('GET', '/api/sandbox', h.token(userId))).body.state).toBe('ready');
    const candidates = await h.fleet.sweep({ dryRun: true, idleMs: 0 });
    expect(candidates.map((c) => c.userId)).toContain(userId);
  }

  describe.each(RUNAWAYS)('%s, with statement_timeout = 0', (_name, runaway) => {
    it('is stopped past the limit with an error naming it, and the sandbox is reapable', async () => {
      const t = h.token('looper');
      const { res, ms } = await timed(t, `set statement_timeout = 0; ${runaway}`);
      expect(res.status).toBe(200);
      expect(err(res.body[1])).toMatchObject({ code: '57014', message: expect.stringMatching(/2 s limit \(SANDBOX_STATEMENT_TIMEOUT\)/) });
      expect(ms).toBeLessThan(STOP_BOUND_MS);
      expect(rows((await h.exec(t, 'select 1 as n')).body[0])).toEqual([{ n: 1 }]);
      await expectReapable('looper');
    });
  });

  it('a loop catching `others` (which cannot catch a cancel) is cancelled, naming the limit; the session stays', async () => {
    const t = h.token('looper');
    await h.exec(t, 'create temp table kept(x int)');
    const { res, ms } = await timed(
      t,
      `set statement_timeout = 0; do $$ begin loop begin perform count(*) from generate_series(1, 1000); exception when others then null; end; end loop; end $$`,
    );
    expect(err(res.body[1])).toEqual({
      code: '57014',
      severity: 'ERROR',
      message: 'canceling statement: it ran past the 2 s limit (SANDBOX_STATEMENT_TIMEOUT)',
      where: expect.any(String),
    });
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(rows((await h.exec(t, 'select count(*)::int as n from kept')).body[0])).toEqual([{ n: 0 }]);
  });

  it("a search_path hijack never runs the user's functions on the management connection", async () => {
    const t = h.token('hijacker');
    const setup = await h.exec(
      t,
      `create table flag(who text);
       grant insert on flag to public;
       create function public.pg_cancel_backend(int) returns boolean language sql
         as $$ insert into public.flag values ('cancel') returning true $$;
       create function public.pg_terminate_backend(int) returns boolean language sql
         as $$ insert into public.flag values ('terminate') returning true $$;
       alter database sandbox set search_path = public, pg_catalog;
       alter database sandbox set statement_timeout = 1;
       alter database sandbox set default_transaction_read_only = on`,
    );
    expect(setup.body.map((r) => 'error' in r)).not.toContain(true);
    const { res, ms } = await timed(t, `set statement_timeout = 0; ${CPU_RUNAWAY}`);
    expect(err(res.body[1])?.message).toMatch(/SANDBOX_STATEMENT_TIMEOUT/);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    const flag = await h.exec(
      t,
      'set statement_timeout = 0; set default_transaction_read_only = off; select count(*)::int as n from public.flag',
    );
    expect(rows(flag.body[2])).toEqual([{ n: 0 }]);
  });

  it('a CPU loop on every session at once: all are stopped', async () => {
    const t = h.token('quad');
    const sessions = ['s1', 's2', 's3', 's4'];
    const t0 = Date.now();
    const all = await Promise.all(sessions.map((s) => h.exec(t, `set statement_timeout = 0; ${CPU_RUNAWAY}`, s)));
    expect(Date.now() - t0).toBeLessThan(STOP_BOUND_MS + 4000);
    for (const res of all) expect(err(res.body[1])?.message).toMatch(/SANDBOX_STATEMENT_TIMEOUT/);
    for (const s of sessions) expect(rows((await h.exec(t, 'select 1 as n', s)).body[0])).toEqual([{ n: 1 }]);
    await expectReapable('quad');
  });

  describe('POST /api/sandbox/cancel reports what happened', () => {
    it('idle when nothing runs', async () => {
      const t = h.token('canceller');
      await h.exec(t, 'select 1');
      const res = await h.request('POST', '/api/sandbox/cancel', t, {});
      expect(res.body).toEqual({ cancelled: false, outcome: 'idle' });
    });

    it('cancelled for a statement that honours the cancel', async () => {
      const t = h.token('canceller');
      const running = h.exec(t, 'set statement_timeout = 0; select pg_sleep(30) /* honours */');
      await untilRunning(t, 'honours */');
      expect((await h.request('POST', '/api/sandbox/cancel', t, {})).body).toEqual({ cancelled: true, outcome: 'cancelled' });
      const res = await running;
      expect(err(res.body[1])).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    });

    it('terminated for one that catches it; the next run gets a new session', async () => {
      const t = h.token('canceller');
      const running = h.exec(t, `set statement_timeout = 0; ${CPU_RUNAWAY} /* ignores */`);
      await untilRunning(t, 'ignores */');
      expect((await h.request('POST', '/api/sandbox/cancel', t, {})).body).toEqual({ cancelled: true, outcome: 'terminated' });
      const res = await running;
      expect(err(res.body[1])?.message).toMatch(/cancelled and ignored the cancel, so its session was ended/);
      expect(rows((await h.exec(t, 'select 1 as n')).body[0])).toEqual([{ n: 1 }]);
    });
  });

  it('with the database closed to the controller (connection limit 0), a runaway still stops: the sandbox is replaced and the user told', async () => {
    const t = h.token('locker');
    await h.exec(t, 'create table doomed(x int)');
    const { res, ms } = await timed(t, `alter database sandbox connection limit 0; set statement_timeout = 0; ${CPU_RUNAWAY}`);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(err(res.body[2])).toMatchObject({ code: '57014' });
    expect(err(res.body[2])?.message).toMatch(/could not be stopped: the sandbox refused the controller's connection.*replaced/);
    const next = await h.exec(t, "select count(*)::int as n from pg_class where relname = 'doomed'");
    expect(rows(next.body[0])).toEqual([{ n: 0 }]);
    expect(next.headers.get('x-sandbox-replaced')).toMatch(/refused the controller's connection/);
  });

  it('a request past SANDBOX_REQUEST_TIMEOUT stops its statement and runs nothing after it', async () => {
    const t = h.token('looper');
    const sleeps = Array.from({ length: 5 }, (_, i) => `select pg_sleep(1.5) as s${i}`).join('; ');
    const { res, ms } = await timed(t, sleeps);
    expect(res.body).toHaveLength(4);
    expect(err(res.body[3])?.message).toBe(
      'canceling statement: the request ran past its 6 s limit (SANDBOX_REQUEST_TIMEOUT); the rest of the request was not run',
    );
    expect(ms).toBeLessThan(6000 + 4000);
  });

  describe('COPY FROM STDIN', () => {
    it.each([
      ['copy t from stdin', 'main'],
      ['copy t (a) from stdin with (format csv)', 'other'],
    ])('`%s` is refused with 0A000 and session %s answers next', async (copy, session) => {
      const t = h.token('looper');
      await h.exec(t, 'create table if not exists t(a int)', session);
      const res = await h.exec(t, copy, session);
      expect(err(res.body[0])).toMatchObject({ code: '0A000', message: expect.stringMatching(/COPY … FROM STDIN is not available/) });
      const next = await h.exec(t, 'select 2 as n', session);
      expect(rows(next.body[0])).toEqual([{ n: 2 }]);
    });

    it('inside a transaction: the session is usable after rollback', async () => {
      const t = h.token('looper');
      await h.exec(t, 'create table if not exists t(a int)');
      const res = await h.exec(t, 'begin; insert into t values (1); copy t from stdin');
      expect(err(res.body[2])?.code).toBe('0A000');
      expect(err((await h.exec(t, 'select 1')).body[0])?.code).toBe('25P02');
      await h.exec(t, 'rollback');
      expect(rows((await h.exec(t, 'select count(*)::int as n from t')).body[0])).toEqual([{ n: 0 }]);
    });
  });

  it('a flood of small notices (20 MB in all) is capped and keeps the session', async () => {
    const t = h.token('looper');
    await h.exec(t, 'create temp table if not exists kept(x int)');
    const res = await h.exec(t, `do $$ begin for i in 1..20000 loop raise notice '%', repeat('x', 1000); end loop; end $$`);
    const r = res.body[0] as RowsResult;
    expect(err(r)).toBeUndefined();
    expect(r.notices).toHaveLength(101);
    expect(r.notices?.[100].message).toMatch(/19900 more notices/);
    expect(rows((await h.exec(t, 'select count(*)::int as n from kept')).body[0])).toEqual([{ n: 0 }]);
  });

  it('a paused sandbox is reported as not responding, replaced, and the next exec works', async () => {
    const t = h.token('pauser');
    await h.exec(t, 'select 1');
    const container = h.fleet.find('pauser')?.containerId as string;
    const running = timed(t, 'select pg_sleep(30) /* frozen */');
    await untilRunning(t, 'frozen */');
    docker(['pause', container]);
    const { res, ms } = await running;
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(err(res.body[0])?.message).toMatch(/did not respond \(paused or stuck\) and was replaced/);
    expect(err(res.body[0])?.message).not.toMatch(/memory/);
    const next = await h.exec(t, 'select 3 as n');
    expect(rows(next.body[0])).toEqual([{ n: 3 }]);
    expect(next.headers.get('x-sandbox-replaced')).toMatch(/did not respond \(paused or stuck\)/);
  });

  it('a reset while a statement runs is reported as a reset', async () => {
    const t = h.token('resetter');
    const running = h.exec(t, 'select pg_sleep(30) /* reset me */');
    await untilRunning(t, 'reset me */');
    expect((await h.request('POST', '/api/sandbox/reset', t)).status).toBe(200);
    const res = await running;
    expect(err(res.body[0])?.message).toMatch(/stopped while running this statement: it was reset/);
    expect(err(res.body[0])?.message).not.toMatch(/memory/);
  });
});
