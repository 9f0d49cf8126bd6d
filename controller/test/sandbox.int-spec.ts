import type { ErrorResult, RowsResult } from '@pgsbx/contract';
import { rssGrowthDuring, signToken } from './support/util';
import { Harness, containersOf, startHarness } from './support/harness';

const rows = (r: unknown) => (r as RowsResult).rows;
const err = (r: unknown) => (r as ErrorResult).error;

describe('Real Postgres per user (real Docker)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '2' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs PostGIS and pgvector as a premium user, exactly as tutorials write it', async () => {
    const t = h.token('gis-user', 'pro');
    const res = await h.exec(
      t,
      `create extension postgis; select ST_AsText(ST_Buffer(ST_MakePoint(0,0),1,2)) as buf;
       create extension vector; select '[1,2,3]'::vector <-> '[3,2,1]' as dist`,
    );
    expect(res.status).toBe(200);
    expect(res.body.map((r) => ('error' in r ? r.error.message : r.command))).toEqual([
      'CREATE EXTENSION',
      'SELECT',
      'CREATE EXTENSION',
      'SELECT',
    ]);
    expect(rows(res.body[1])[0].buf).toBe(
      'POLYGON((1 0,0.707106781186548 -0.707106781186548,0 -1,-0.707106781186548 -0.707106781186548,-1 0,-0.707106781186548 0.707106781186548,0 1,0.707106781186547 0.707106781186548,1 0))',
    );
    expect(rows(res.body[3])[0].dist).toBeCloseTo(Math.sqrt(8), 10);
  });

  it('keeps users apart: A’s table is not visible to B, and they have different containers', async () => {
    const a = h.token('iso-a');
    const b = h.token('iso-b');
    expect((await h.exec(a, 'create table secret(x int); insert into secret values (42)')).status).toBe(200);
    const seenByB = await h.exec(b, 'select * from secret');
    expect(err(seenByB.body[0]).code).toBe('42P01');
    const ca = (await h.request('GET', '/api/sandbox', a)).body.container;
    const cb = (await h.request('GET', '/api/sandbox', b)).body.container;
    expect(ca).toBe(`${h.prefix}-u-iso-a`);
    expect(cb).toBe(`${h.prefix}-u-iso-b`);
    const ids = containersOf(h.prefix).filter((c) => c.name === ca || c.name === cb);
    expect(new Set(ids.map((c) => c.id)).size).toBe(2);
  });

  it('reset gives a brand-new container: the tables are gone', async () => {
    const t = h.token('resetter');
    await h.exec(t, 'create table keepme(x int)');
    const before = containersOf(h.prefix).find((c) => c.name === `${h.prefix}-u-resetter`);
    const reset = await h.request('POST', '/api/sandbox/reset', t);
    expect(reset.status).toBe(200);
    expect(reset.body.state).toBe('ready');
    const after = containersOf(h.prefix).find((c) => c.name === `${h.prefix}-u-resetter`);
    expect(after?.id).toBeDefined();
    expect(after?.id).not.toBe(before?.id);
    const res = await h.exec(t, 'select * from keepme');
    expect(err(res.body[0]).code).toBe('42P01');
  });

  it('a session keeps BEGIN … COMMIT across requests, and s2 waits on main’s row lock', async () => {
    const t = h.token('locker');
    await h.exec(t, "create table acct(id int primary key, v text); insert into acct values (1, 'start')");
    const begin = await h.exec(t, "begin; update acct set v = 'main' where id = 1");
    expect(begin.body.map((r) => 'error' in r || r.command)).toEqual(['BEGIN', 'UPDATE']);
    // Outside main's transaction the change is not visible yet.
    const peek = await h.exec(t, 'select v from acct where id = 1', 'peek');
    expect(rows(peek.body[0])).toEqual([{ v: 'start' }]);

    let s2Done = false;
    const s2 = h.exec(t, "update acct set v = 's2' where id = 1", 's2').then((r) => ((s2Done = true), r));
    // Wait until s2 is really blocked on the lock, as pg_stat_activity shows it.
    for (let i = 0; i < 100; i++) {
      const w = await h.exec(t, "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'", 'peek');
      if (rows(w.body[0])[0].n === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(s2Done).toBe(false);
    const commit = await h.exec(t, 'commit');
    expect((commit.body[0] as RowsResult).command).toBe('COMMIT');
    const s2res = await s2;
    expect((s2res.body[0] as RowsResult).affectedRows).toBe(1);
    const final = await h.exec(t, 'select v from acct where id = 1');
    expect(rows(final.body[0])).toEqual([{ v: 's2' }]);
  });

  it('reports an error with its SQLSTATE and its position within the whole request', async () => {
    const t = h.token('typo');
    const sql = 'select 1;\n  select nosuchcolumn from pg_class';
    const res = await h.exec(t, sql);
    expect(res.body).toHaveLength(2);
    const e = err(res.body[1]);
    expect(e.code).toBe('42703');
    expect(e.position).toBe(sql.indexOf('nosuchcolumn') + 1);
    // The first error stops the request.
    const stop = await h.exec(t, 'select 1; select 1/0; select 3');
    expect(stop.body).toHaveLength(2);
    expect(err(stop.body[1]).code).toBe('22012');
  });

  it('keeps values lossless: int8 and numeric as strings, bytea as \\x, json parsed', async () => {
    const t = h.token('types');
    const res = await h.exec(
      t,
      `select 9007199254740993::int8 as big, 0.1::numeric + 0.2 as num, '\\xdeadbeef'::bytea as b,
              '{"a":[1,2]}'::jsonb as j, '2024-01-02 03:04:05.123456+00'::timestamptz as ts, 'NaN'::float8 as nan`,
    );
    expect(rows(res.body[0])[0]).toEqual({
      big: '9007199254740993',
      num: '0.3',
      b: '\\xdeadbeef',
      j: { a: [1, 2] },
      ts: '2024-01-02 03:04:05.123456+00',
      nan: 'NaN',
    });
  });

  it('refuses a body over 100 KB with 413 JSON', async () => {
    const res = await h.exec(h.token('big'), `select '${'x'.repeat(150 * 1024)}'`);
    expect(res.status).toBe(413);
    expect(res.body.statusCode).toBe(413);
    expect(res.body.message).toMatch(/larger than/);
  });

  it('says Real Postgres is premium to role user (403), and 401 without or with a forged token', async () => {
    const asUser = await h.exec(h.token('basic', 'user'), 'select 1');
    expect(asUser.status).toBe(403);
    expect(asUser.body.message).toMatch(/premium feature/);

    const none = await h.exec('', 'select 1');
    expect(none.status).toBe(401);

    const forged = signToken({ sub: 'mallory', role: 'admin' }, 'not-the-server-key-not-the-server-key');
    const bad = await h.exec(forged, 'select 1');
    expect(bad.status).toBe(401);
    expect(bad.body.message).toMatch(/refused/);

    const expired = signToken({ sub: 'late', role: 'pro', exp: Math.floor(Date.now() / 1000) - 60 }, h.config.jwtSecret);
    expect((await h.exec(expired, 'select 1')).status).toBe(401);
  });

  // 16: a session queues at most 16 requests (429 beyond). All of them may wait on the one
  // provisioning and then queue at once, so more than 16 would test the queue cap, not the lock.
  it('gives 16 concurrent first requests of a new user one container', async () => {
    const t = h.token('stampede');
    const all = await Promise.all(Array.from({ length: 16 }, () => h.exec(t, 'select pg_backend_pid() as pid')));
    expect(all.map((r) => r.status)).toEqual(Array(16).fill(200));
    expect(containersOf(h.prefix).filter((c) => c.name === `${h.prefix}-u-stampede`)).toHaveLength(1);
    // All on the one main session, in order: one backend.
    expect(new Set(all.map((r) => rows(r.body[0])[0].pid)).size).toBe(1);
  });

  it('caps a 1,000,000-row select at 10,000 rows, marked truncated, with flat controller memory', async () => {
    const t = h.token('bigresult');
    await h.exec(t, 'select 1');
    const { result: res, growthMiB } = await rssGrowthDuring(() =>
      h.exec(t, "select g, md5(g::text) as h, repeat('x', 100) as pad from generate_series(1, 1000000) g"),
    );
    const r = res.body[0] as RowsResult;
    expect(r.rows).toHaveLength(10_000);
    expect(r.truncated).toBe(true);
    expect(r.rows[9999].g).toBe(10_000);
    // A million such rows would be ~200 MB as objects; the cap keeps the growth small.
    expect(growthMiB).toBeLessThan(60);
  });

  it('does not let the sandbox role run programs, read server files or create dblink', async () => {
    const t = h.token('escaper');
    const attempts = [
      "copy (select 1) to program 'id'",
      "select pg_read_file('/etc/passwd')",
      "copy pg_class from '/etc/passwd'",
      'create extension dblink',
      'create extension file_fdw',
      "select lo_import('/etc/passwd')",
      'alter system set fsync = on',
      'set role pgsbx_admin',
      'create language plpython3u',
    ];
    for (const sql of attempts) {
      const res = await h.exec(t, sql);
      expect({ sql, status: res.status, error: 'error' in res.body[0] }).toEqual({ sql, status: 200, error: true });
    }
    const still = await h.exec(t, 'select current_user as u');
    expect(rows(still.body[0])).toEqual([{ u: 'sandbox' }]);
  });
});

describe('Statement timeouts (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SANDBOX_STATEMENT_TIMEOUT: '1s', SANDBOX_WARM_POOL: '0' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a statement timeout reaches the user as 57014 and the session keeps working', async () => {
    const t = h.token('slowpoke');
    const slow = await h.exec(t, 'select pg_sleep(20)');
    expect(slow.status).toBe(200);
    expect(err(slow.body[0]).code).toBe('57014');
    const next = await h.exec(t, 'select 7 as n');
    expect(rows(next.body[0])).toEqual([{ n: 7 }]);
  });

  it('even with statement_timeout switched off by the user, the watchdog cancels', async () => {
    const t = h.token('sneaky');
    const res = await h.exec(t, 'set statement_timeout = 0; select pg_sleep(20)');
    expect(err(res.body[1]).code).toBe('57014');
  });
});
