import type { RowsResult } from '@pgsbx/contract';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArchiveRetention } from '../src/archive/retention';
import { ControlStore } from '../src/control/control-store';
import { Harness, containersOf, docker, startHarness } from './support/harness';
import { TABLE_CHECKSUMS_SQL, schemaText } from './support/database-fingerprint';
import { sleep, until } from './support/util';

/** A user's database with one of everything the issue lists: it must come back identical. */
const EVERYTHING = `
create extension postgis;
create extension vector;
create schema shop;
create table shop.places (id serial primary key, name text not null unique, geom geometry(Point, 4326), emb vector(3));
create index places_geom on shop.places using gist (geom);
insert into shop.places (name, geom, emb)
  select 'p' || g, ST_SetSRID(ST_MakePoint(g, -g), 4326), array[g, g * 2, g * 3]::vector from generate_series(1, 500) g;
create table shop.orders (id bigint generated always as identity primary key, place int references shop.places(id), total numeric(10,2) check (total >= 0));
insert into shop.orders (place, total) select 1 + g % 500, g / 7.0 from generate_series(1, 2000) g;
create sequence invoice_no start 1000;
select nextval('invoice_no'), nextval('invoice_no'), nextval('invoice_no');
create view shop.big_orders as select * from shop.orders where total > 100;
create function shop.total_of(p int) returns numeric language sql stable as $$ select coalesce(sum(total), 0) from shop.orders where place = p $$;
create table audit (at timestamptz default now(), what text);
create function log_order() returns trigger language plpgsql as $$ begin insert into audit (what) values ('order ' || new.id); return new; end $$;
create trigger orders_audit after insert on shop.orders for each row execute function log_order();
comment on table shop.places is 'where things are';
select lo_from_bytea(424242, 'large object bytes');
`;

const rows = (r: { body: unknown }) => (r.body as RowsResult[]).at(-1)!.rows;

describe('Hibernation (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      SANDBOX_WARM_POOL: '1',
      SANDBOX_IDLE_TIMEOUT: '2s',
      SANDBOX_REAP_INTERVAL: '250ms',
      SANDBOX_MAX_CHECKPOINTS: '2',
    });
  });
  afterAll(() => h?.close());

  const container = (user: string) => containersOf(h.prefix).filter((c) => c.name === `${h.prefix}-u-${user}`);

  it('an idle sandbox is saved and removed; the next exec restores everything identical and says so', async () => {
    const t = h.token('hanna');
    const made = await h.exec(t, EVERYTHING);
    expect(made.status).toBe(200);
    const name = `${h.prefix}-u-hanna`;
    const schemaBefore = schemaText(name);
    const sumsBefore = rows(await h.exec(t, TABLE_CHECKSUMS_SQL));
    const seqBefore = rows(await h.exec(t, 'select last_value from invoice_no'));

    await until('hibernated', async () => (await h.request('GET', '/api/sandbox', t)).body.state === 'hibernated', 20_000);
    expect(container('hanna')).toEqual([]);
    const status = (await h.request('GET', '/api/sandbox', t)).body;
    expect(status.saved).toEqual({ savedAt: expect.any(String), bytes: expect.any(Number) });

    const woke = await h.exec(t, 'select count(*)::int as n from shop.places');
    expect(woke.status).toBe(200);
    expect(woke.headers.get('x-sandbox-restored')).toMatch(/^\d+ms; saved=/);
    expect((woke.body as RowsResult[])[0].notices?.[0]?.message).toMatch(/^Restored your database as saved at .* in \d+ ms\.$/);
    expect(rows(woke)).toEqual([{ n: 500 }]);
    expect(container('hanna')).toHaveLength(1);
    expect(rows(await h.exec(t, TABLE_CHECKSUMS_SQL))).toEqual(sumsBefore);
    expect(rows(await h.exec(t, 'select last_value from invoice_no'))).toEqual(seqBefore);
    expect(schemaText(name)).toEqual(schemaBefore);
    // Functions, triggers, extensions' functions and large objects work, not just exist.
    const checks = await h.exec(
      t,
      "insert into shop.orders (place, total) values (1, 5); select shop.total_of(1) > 0 as f, (select count(*) from audit)::int as audited, ST_AsText((select geom from shop.places where name = 'p3')) as g, (select emb <-> '[0,0,0]' from shop.places where id = 1) > 0 as v, convert_from(lo_get(424242), 'UTF8') as lo",
    );
    expect(rows(checks)).toEqual([{ f: true, audited: 1, g: 'POINT(3 -3)', v: true, lo: 'large object bytes' }]);
    // A second exec is not told again.
    expect((await h.exec(t, 'select 1')).headers.get('x-sandbox-restored')).toBeNull();
  });

  it('concurrent first requests during a wake wait for the one wake: one container, every answer sees the data', async () => {
    const t = h.token('conc');
    await h.exec(t, 'create table t as select g from generate_series(1, 50000) g');
    expect(await h.fleet.hibernateUser('conc')).toBe('hibernated');
    const answers = await Promise.all(Array.from({ length: 6 }, () => h.exec(t, 'select count(*)::int as n from t')));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(answers.map((a) => rows(a)[0])).toEqual(Array(6).fill({ n: 50000 }));
    expect(answers.filter((a) => a.headers.get('x-sandbox-restored')).length).toBe(1);
    expect(container('conc')).toHaveLength(1);
  });

  it('a damaged archive is refused with a clear error, replaced by nothing, and kept for the operator', async () => {
    const t = h.token('dora');
    await h.exec(t, 'create table keep (x int); insert into keep values (7)');
    expect(await h.fleet.hibernateUser('dora')).toBe('hibernated');
    const control = h.app.get(ControlStore);
    const archive = (await control.archive('dora', 'hibernation', 'latest'))!;
    const file = join(h.config.archiveDir, archive.key);
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)] ^= 0xff;
    writeFileSync(file, bad);

    const refused = await h.exec(t, 'select * from keep');
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/failed its integrity check.*not restored/);
    expect(container('dora')).toEqual([]);
    expect((await h.request('GET', '/api/sandbox', t)).body.state).toBe('hibernated');
    expect((await control.user('dora'))?.lastError).toMatch(/failed/);

    // Put right by hand (as an operator would from a backup): the same archive restores.
    writeFileSync(file, good);
    expect(rows(await h.exec(t, 'select * from keep'))).toEqual([{ x: 7 }]);
    expect((await control.user('dora'))?.lastError).toBeUndefined();
  });

  it('checkpoint, change, reset to it → its state; plain reset → empty, hibernation archive gone, checkpoints kept', async () => {
    const t = h.token('cato');
    await h.exec(t, 'create table notes (n int); insert into notes values (1)');
    const saved = await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'one' });
    expect(saved.status).toBe(201);
    expect(saved.body).toEqual({ name: 'one', savedAt: expect.any(String), bytes: expect.any(Number) });
    await h.exec(t, 'insert into notes values (2); create table extra (x int)');

    const back = await h.request('POST', '/api/sandbox/reset', t, { checkpoint: 'one' });
    expect(back.status).toBe(200);
    expect(rows(await h.exec(t, 'select n from notes order by n'))).toEqual([{ n: 1 }]);
    expect((await h.exec(t, 'select * from extra')).body[0]).toMatchObject({ error: { code: '42P01' } });

    expect((await h.request('POST', '/api/sandbox/reset', t, { checkpoint: 'nope' })).status).toBe(404);
    expect(rows(await h.exec(t, 'select count(*)::int as n from notes'))).toEqual([{ n: 1 }]);
    expect((await h.request('POST', '/api/sandbox/reset', t, { checkpoint: '../x' })).status).toBe(400);

    expect(await h.fleet.hibernateUser('cato')).toBe('hibernated');
    expect((await h.request('POST', '/api/sandbox/reset', t, {})).status).toBe(200);
    expect((await h.exec(t, 'select * from notes')).body[0]).toMatchObject({ error: { code: '42P01' } });
    const control = h.app.get(ControlStore);
    expect(await control.archive('cato', 'hibernation', 'latest')).toBeNull();
    const list = await h.request('GET', '/api/sandbox/checkpoints', t);
    expect(list.body).toEqual({ checkpoints: [expect.objectContaining({ name: 'one' })], max: 2 });
  });

  it('at most SANDBOX_MAX_CHECKPOINTS; saving under an existing name replaces it; deleting removes it', async () => {
    const t = h.token('max');
    await h.exec(t, 'create table a (x int)');
    expect((await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'c1' })).status).toBe(201);
    expect((await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'c2' })).status).toBe(201);
    const third = await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'c3' });
    expect(third.status).toBe(409);
    expect(third.body.message).toMatch(/already have 2 checkpoints \(c1, c2\)/);
    expect((await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'c2' })).status).toBe(201);
    expect((await h.request('DELETE', '/api/sandbox/checkpoints/c1', t)).body).toEqual({ deleted: 'c1' });
    expect((await h.request('DELETE', '/api/sandbox/checkpoints/c1', t)).status).toBe(404);
    expect((await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'bad name!' })).status).toBe(400);
    expect((await h.request('GET', '/api/sandbox/checkpoints', t)).body.checkpoints.map((c: { name: string }) => c.name)).toEqual(['c2']);
  });
});

describe('Hibernation: what cannot come back, and retention (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '0', SANDBOX_RETENTION: '30d' });
  });
  afterAll(() => h?.close());

  it("a database that dumps but will not restore (the user's own SQL) is a clear 422 with Postgres' reason, and is kept", async () => {
    const t = h.token('fragile');
    // The classic: a check calling a function whose body needs the search_path the restore clears.
    await h.exec(
      t,
      "create table limits (x int); insert into limits values (10); create function small(v int) returns bool language sql as 'select v < (select max(x) from limits)'; create table c (v int check (small(v))); insert into c values (1)",
    );
    expect(await h.fleet.hibernateUser('fragile')).toBe('hibernated');
    const res = await h.exec(t, 'select * from c');
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(
      /^Your saved database could not be restored \(.*relation "limits" does not exist.*\)\. It is kept unchanged/,
    );
    expect((await h.request('GET', '/api/sandbox', t)).body.state).toBe('hibernated');
    expect(await h.app.get(ControlStore).archive('fragile', 'hibernation', 'latest')).not.toBeNull();
    // Reset is the way out: an empty database.
    expect((await h.request('POST', '/api/sandbox/reset', t, {})).status).toBe(200);
    expect(rows(await h.exec(t, "select count(*)::int as n from pg_tables where schemaname = 'public'"))).toEqual([{ n: 0 }]);
  });

  it('retention: a user unseen past SANDBOX_RETENTION loses their archives and record; one seen recently keeps them', async () => {
    const gone = h.token('longgone');
    const here = h.token('recent');
    await h.exec(gone, 'create table x (v int)');
    await h.exec(here, 'create table y (v int)');
    expect(await h.fleet.hibernateUser('longgone')).toBe('hibernated');
    expect(await h.fleet.hibernateUser('recent')).toBe('hibernated');
    const control = h.app.get(ControlStore);
    const archive = (await control.archive('longgone', 'hibernation', 'latest'))!;
    // Pretend 'recent' came back yesterday… 31 days from now.
    const later = Date.now() + 31 * 86_400_000;
    await control.recordUse('recent', new Date(later - 86_400_000));
    const report = await h.app.get(ArchiveRetention).sweep(new Date(later));
    expect(report.expiredUsers).toBe(1);
    expect(await control.user('longgone')).toBeNull();
    expect(existsSync(join(h.config.archiveDir, archive.key))).toBe(false);
    expect((await control.user('recent'))?.hibernated).toBe(true);
    expect((await h.request('GET', '/api/sandbox', gone)).body.state).toBe('none');
  });
});

describe('Autosave and lost containers (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '1', SANDBOX_AUTOSAVE: '1s', SANDBOX_REAP_INTERVAL: '250ms' });
  });
  afterAll(() => h?.close());

  it('a container killed from outside comes back from its autosave, and the user is told what happened and from when', async () => {
    const t = h.token('lost');
    await h.exec(t, 'create table work (n int); insert into work values (1), (2)');
    const control = h.app.get(ControlStore);
    await until('autosaved', async () => (await control.archive('lost', 'hibernation', 'latest')) !== null, 15_000);
    expect((await h.request('GET', '/api/sandbox', t)).body.state).toBe('ready');
    const [victim] = containersOf(h.prefix).filter((c) => c.name === `${h.prefix}-u-lost`);
    docker(['kill', victim.id]);
    await until('the death seen', async () => (await h.request('GET', '/api/sandbox', t)).body.state !== 'ready', 15_000);

    const back = await h.exec(t, 'select n from work order by n');
    expect(back.status).toBe(200);
    expect(rows(back)).toEqual([{ n: 1 }, { n: 2 }]);
    const told = ((back.body as RowsResult[])[0].notices ?? []).map((n) => n.message);
    expect(told[0]).toMatch(/^your previous sandbox stopped .* and was replaced/);
    expect(told[1]).toMatch(/^Restored your database as saved at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(back.headers.get('x-sandbox-replaced')).toBeTruthy();
    expect(back.headers.get('x-sandbox-restored')).toBeTruthy();
  });

  it('a sandbox used since its last save is saved again; one left alone is not', async () => {
    const t = h.token('steady');
    await h.exec(t, 'create table s (n int)');
    const control = h.app.get(ControlStore);
    await until('first autosave', async () => (await control.archive('steady', 'hibernation', 'latest')) !== null, 15_000);
    const first = (await control.archive('steady', 'hibernation', 'latest'))!;
    await sleep(2500);
    expect((await control.archive('steady', 'hibernation', 'latest'))!.key).toBe(first.key);
    await h.exec(t, 'insert into s values (1)');
    await until('saved again', async () => (await control.archive('steady', 'hibernation', 'latest'))!.key !== first.key, 15_000);
  });
});

describe('Hibernation limits (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '0', SANDBOX_ARCHIVE_MAX: '1m' });
  });
  afterAll(() => h?.close());

  it('past the quota: a clear 413, the previous archive kept, and a hibernate that cannot save leaves the sandbox running', async () => {
    const t = h.token('quota');
    await h.exec(t, 'create table small (x int); insert into small values (1)');
    expect((await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'small' })).status).toBe(201);
    // ~4 MB of hex text: compressed, still well past 1 MiB.
    await h.exec(t, 'create table big as select md5(g::text) || md5((g * 7)::text) as h from generate_series(1, 60000) g');
    const over = await h.request('POST', '/api/sandbox/checkpoints', t, { name: 'small' });
    expect(over.status).toBe(413);
    expect(over.body.message).toMatch(/more than the 1 MiB allowed per user.*Nothing was replaced/);
    const kept = await h.request('GET', '/api/sandbox/checkpoints', t);
    expect(kept.body.checkpoints).toEqual([expect.objectContaining({ name: 'small' })]);

    expect(await h.fleet.hibernateUser('quota')).toBe('failed');
    expect((await h.request('GET', '/api/sandbox', t)).body.state).toBe('ready');
    expect(rows(await h.exec(t, 'select count(*)::int as n from big'))).toEqual([{ n: 60000 }]);

    await h.exec(t, 'drop table big');
    expect((await h.request('POST', '/api/sandbox/reset', t, { checkpoint: 'small' })).status).toBe(200);
    expect(rows(await h.exec(t, 'select x from small'))).toEqual([{ x: 1 }]);
  });
});
