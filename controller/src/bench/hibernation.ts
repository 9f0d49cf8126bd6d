import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HibernateResult, SandboxStatus, StorageReport } from '@pgsbx/contract';

/**
 * The hibernation scenario of `npm run bench` (issue 11, BENCH_ONLY=hibernation): hibernate and
 * wake of 1, 10 and 100 MiB databases, wake from the warm pool beside an empty pool and beside a
 * new user's first exec, and the host's memory with 100 hibernated users. It runs against the
 * controller bench.ts starts, through the same HTTP API a user and an operator use. One file
 * (~340 lines): its parts share the bounded calls, the users it cleans up and the rows it adds.
 */

import type { BenchTarget } from './bench-client';
import type { BenchRow } from './ceilings';

export interface HibernationBench extends BenchTarget {
  prefix: string;
  controllerPid: number;
  samples: number;
  maxSandboxes: number;
  docker(args: string[]): string;
  /** A container's memory cgroup usage in bytes (null where the layout is unknown). */
  cgroupMemory(containerId: string): number | null;
  record(what: string, xs: number[], unit?: string, target?: string): BenchRow;
  add(row: BenchRow): void;
  note(text: string): void;
}

const MiB = 1024 * 1024;
/** Users hibernated together for the memory figure (BENCH_HIBERNATED). */
const MANY = Number(process.env.BENCH_HIBERNATED ?? 100);
/** Rows per INSERT: ~10 MiB, well inside the sandbox's statement timeout. */
const BATCH = 50_000;
const TABLE = `create table items (id bigint primary key, n int not null, x float8 not null, note text not null);
create index items_n on items (n)`;
/** A row: two numbers, and two md5 hex strings as text (random-looking, ~half the entropy of random bytes). */
const insertRows = (from: number, to: number) =>
  `insert into items select g, (g::bigint * 7919 % 100000)::int, g / 3.0, md5(g::text) || ' ' || md5((g * 31)::text) from generate_series(${from}, ${to}) g`;
const FIRST_RESULT = 'select count(*)::int as rows, sum(n)::bigint as total from items';

/** A call unanswered this long is abandoned and counted (BENCH_STALL_SECONDS): a hung wake must not hang the bench. */
const STALL_MS = Number(process.env.BENCH_STALL_SECONDS ?? 120) * 1000;

class Stalled extends Error {}
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Stalled(`${what} did not answer in ${STALL_MS / 1000} s`)), STALL_MS);
  });
  return Promise.race([p, stall]).finally(() => clearTimeout(timer));
}
/** Every call of the scenario bounded by STALL_MS (the swarm scenario's wakes too). */
export function bounded<T extends BenchTarget>(b: T): T {
  return {
    ...b,
    api: (method, path, token, body) => within(b.api(method, path, token, body), `${method} ${path}`),
    exec: (u, sql) => within(b.exec(u, sql), `exec as ${u} (${sql.slice(0, 40)})`),
  };
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => bytes / MiB;
const one = (what: string, value: number, unit: string, target?: string, met?: boolean): BenchRow => ({
  what,
  n: 1,
  median: value,
  p95: NaN,
  p99: NaN,
  unit,
  target,
  met,
});

function memAvailable(): number {
  return Number(/MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
}
function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
}
async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function hibernationBench(unbounded: HibernationBench): Promise<void> {
  const b = bounded(unbounded);
  const stalls: string[] = [];
  // A tag per run: the control store outlives the bench, and a user of an earlier run that was
  // left hibernated must not be woken here as if it were this run's.
  const tag = randomBytes(3).toString('hex');
  const users: string[] = [];
  const user = (name: string) => (users.push(`hib-${tag}-${name}`), `hib-${tag}-${name}`);
  try {
    const sizes: [string, number, number][] = [
      ['1mb', 1, b.samples],
      ['10mb', 10, b.samples],
      ['100mb', 100, Math.min(5, b.samples)],
    ];
    for (const [name, mb, rounds] of sizes) {
      const u = user(name);
      const loaded = await load(b, u, mb * MiB);
      const r = await hibernateAndWake(b, u, rounds, loaded.rows);
      if (r.stalled) stalls.push(r.stalled);
      if (!r.wake.length) continue;
      const hib = b.record(`hibernate ${mb} MiB database (admin hibernate call)`, r.hibernate, 'ms', mb === 10 ? 'p50 ≤ 1000' : undefined);
      if (mb === 10) hib.met = hib.median <= 1000;
      const target = mb === 10 ? 'p50 ≤ 500' : mb === 100 ? 'p50 ≤ 2000' : undefined;
      const wake = b.record(`wake + first result, ${mb} MiB database, warm pool`, r.wake, 'ms', target);
      if (mb === 10) wake.met = wake.median <= 500;
      if (mb === 100) wake.met = wake.median <= 2000;
      const archive = Math.max(...r.archive);
      b.add(one(`archive size, ${mb} MiB database (pg_database_size ${mib(loaded.database).toFixed(1)} MiB)`, mib(archive), 'MiB'));
      b.note(
        `Hibernation, ${mb} MiB: table items ${loaded.rows} rows (bigint key, int, float8, text of two md5 hex strings; ` +
          `a btree on the int) = ${mib(loaded.table).toFixed(1)} MiB with indexes, pg_database_size ${mib(loaded.database).toFixed(1)} MiB; ` +
          `archive ${mib(archive).toFixed(2)} MiB (${((100 * archive) / loaded.database).toFixed(0)} % of the database); ` +
          `hibernate p50/p95 ${fmtPair(hib)} ms, wake + first result p50/p95 ${fmtPair(wake)} ms.`,
      );
      // A user whose wake hung holds their lock for good: nothing more can be measured with them.
      if (r.stalled) continue;
      if (mb === 10) stalls.push(...(await poolComparison(b, u, loaded.rows, wake, user)));
      await removeUser(b, u);
    }
    stalls.push(...(await manyHibernated(b, tag, user)));
    b.add(one('hibernate or wake calls that never answered (abandoned, see notes)', stalls.length, 'calls', '0', stalls.length === 0));
    for (const s of stalls) b.note(`Stalled: ${s}.`);
  } finally {
    // rm removes the archives too; users already removed answer 404, which is fine here.
    await mapLimit(users, 4, (u) => b.api('DELETE', `/api/admin/sandboxes/${u}?force=1`, b.admin()).catch(() => undefined));
    await b.api('PUT', '/api/admin/pool', b.admin(), { size: b.pool }).catch(() => undefined);
  }
}

const fmtPair = (r: BenchRow) => `${r.median.toFixed(0)}/${r.p95.toFixed(0)}`;

interface Loaded {
  rows: number;
  table: number;
  database: number;
}

/** Fills the user's database until table `items` with its indexes takes `bytes`. */
export async function load(b: BenchTarget, u: string, bytes: number): Promise<Loaded> {
  const size = async () => {
    const [r] = await b.exec(u, "select pg_total_relation_size('items')::bigint as t, pg_database_size(current_database())::bigint as d");
    if (!('rows' in r)) throw new Error(`hibernation bench: no size for ${u}`);
    const row = r.rows[0] as unknown as { t: string | number; d: string | number };
    return { table: Number(row.t), database: Number(row.d) };
  };
  await b.exec(u, TABLE);
  let rows = Math.min(BATCH, Math.ceil(bytes / 200));
  await b.exec(u, insertRows(1, rows));
  let s = await size();
  while (s.table < bytes) {
    const want = Math.ceil(((bytes - s.table) / s.table) * rows);
    const next = Math.min(BATCH, Math.max(100, want));
    await b.exec(u, insertRows(rows + 1, rows + next));
    rows += next;
    s = await size();
  }
  await b.exec(u, 'vacuum analyze items');
  s = await size();
  b.log(`hibernation: ${u} loaded, ${rows} rows, items ${mib(s.table).toFixed(1)} MiB, database ${mib(s.database).toFixed(1)} MiB`);
  return { rows, ...s };
}

/** Hibernates `u` through the admin API; throws unless it did. */
async function hibernate(b: BenchTarget, u: string): Promise<number> {
  const t = now();
  const r = await b.api('POST', `/api/admin/sandboxes/${u}/hibernate`, b.admin());
  const ms = now() - t;
  const result = r.json as HibernateResult;
  if (r.status !== 200 || !result.hibernated) throw new Error(`hibernate ${u}: ${r.status} ${JSON.stringify(r.json)}`);
  return ms;
}

/** The saved archive's size while `u` is hibernated, as the user's own status shows it. */
async function savedBytes(b: BenchTarget, u: string): Promise<number> {
  const s = (await b.api('GET', '/api/sandbox', b.token(u))).json as SandboxStatus;
  if (s.state !== 'hibernated' || !s.saved) throw new Error(`${u} is ${s.state}, not hibernated`);
  return s.saved.bytes;
}

/** The next exec's wall time: the wake and the first result; the result must be the rows saved. */
async function wakeWithQuery(b: BenchTarget, u: string, rows: number): Promise<number> {
  const t = now();
  const [r] = await b.exec(u, FIRST_RESULT);
  const ms = now() - t;
  const got = 'rows' in r ? Number((r.rows[0] as unknown as { rows: number }).rows) : NaN;
  if (got !== rows) throw new Error(`${u} woke with ${got} rows, ${rows} were saved`);
  return ms;
}

/** `n` rounds of hibernate, then wake with a query; stops at the first call that stalls. */
export async function hibernateAndWake(b: BenchTarget, u: string, n: number, rows: number, pool = b.pool) {
  const out = { hibernate: [] as number[], wake: [] as number[], archive: [] as number[], stalled: undefined as string | undefined };
  for (let i = 0; i < n; i++) {
    try {
      await b.poolAt(pool);
      out.hibernate.push(await hibernate(b, u));
      out.archive.push(await savedBytes(b, u));
      await b.poolAt(pool);
      out.wake.push(await wakeWithQuery(b, u, rows));
    } catch (e) {
      if (!(e instanceof Stalled)) throw e;
      out.stalled = `${u}, round ${i + 1} of ${n}: ${e.message}`;
      b.log(`hibernation: ${out.stalled}`);
      break;
    }
  }
  return out;
}

/** The 10 MiB wake again with an empty pool (a cold container), and a new user's first exec for scale. */
async function poolComparison(
  b: HibernationBench,
  u: string,
  rows: number,
  warm: BenchRow,
  user: (n: string) => string,
): Promise<string[]> {
  const n = Math.max(5, Math.round(b.samples / 3));
  const fresh: number[] = [];
  for (let i = 0; i < n; i++) {
    await b.poolAt(b.pool);
    const t = now();
    await b.exec(user(`new-${i}`), 'select 1');
    fresh.push(now() - t);
  }
  const first = b.record('new user first exec, warm pool (for the wake ratio)', fresh);
  await b.api('PUT', '/api/admin/pool', b.admin(), { size: 0 });
  await b.poolAt(0);
  const cold = await hibernateAndWake(b, u, n, rows, 0);
  if (!cold.wake.length) return [cold.stalled as string];
  await b.api('PUT', '/api/admin/pool', b.admin(), { size: b.pool });
  await b.poolAt(b.pool);
  const c = b.record('wake + first result, 10 MiB database, empty pool', cold.wake);
  b.note(
    `Wake of 10 MiB: warm pool p50 ${warm.median.toFixed(0)} ms, empty pool ${c.median.toFixed(0)} ms ` +
      `(${(c.median / warm.median).toFixed(1)}×); a new user's first exec ${first.median.toFixed(0)} ms, ` +
      `so the warm wake is ${(warm.median / first.median).toFixed(1)}× a first exec.`,
  );
  return cold.stalled ? [cold.stalled] : [];
}

async function removeUser(b: HibernationBench, u: string): Promise<void> {
  const r = await b.api('DELETE', `/api/admin/sandboxes/${u}?force=1`, b.admin());
  if (r.status !== 200) b.log(`hibernation: rm ${u} answered ${r.status}`);
}

/** 100 users with a small table each, all hibernated: what is left of them on the host. */
async function manyHibernated(b: HibernationBench, tag: string, user: (n: string) => string): Promise<string[]> {
  const n = Math.max(1, Math.min(MANY, b.maxSandboxes - b.pool - 8));
  const many = Array.from({ length: n }, (_, i) => user(`many-${i}`));
  const ids = () =>
    b
      .docker(['ps', '-aq', '--no-trunc', '--filter', `name=${b.prefix}-u-hib-${tag}-many-`])
      .split('\n')
      .filter(Boolean);
  /** Their containers, and the memory their cgroups hold (tmpfs data included). */
  const theirs = () => {
    const list = ids();
    return { containers: list.length, cgroups: list.reduce((sum, id) => sum + (b.cgroupMemory(id) ?? 0), 0) };
  };
  await b.poolAt(b.pool);
  await sleep(2000);
  const before = { mem: memAvailable(), rss: rssOf(b.controllerPid) };
  await mapLimit(many, 8, (u) =>
    b.exec(u, 'create table t (id int primary key, v text); insert into t select g, md5(g::text) from generate_series(1, 1000) g'),
  );
  await b.poolAt(b.pool);
  await sleep(2000);
  const alive = { mem: memAvailable(), rss: rssOf(b.controllerPid), ...theirs() };
  const t = now();
  const stalls: string[] = [];
  const timed = await mapLimit(many, 2, (u) =>
    hibernate(b, u).catch((e: Error) => {
      if (!(e instanceof Stalled)) throw e;
      stalls.push(`hibernate ${u}: ${e.message}`);
      return NaN;
    }),
  );
  const each = timed.filter((ms) => !Number.isNaN(ms));
  const allSecs = (now() - t) / 1000;
  await b.poolAt(b.pool);
  await sleep(2000);
  const after = { mem: memAvailable(), rss: rssOf(b.controllerPid), ...theirs() };
  const storage = (await b.api('GET', '/api/admin/storage', b.admin())).json as StorageReport;
  const mine = storage.users.filter((s) => many.includes(s.user));
  const bytes = mine.reduce((sum, s) => sum + s.bytes, 0);
  const used = (m: number) => mib(before.mem - m);
  if (each.length) b.record(`hibernate one of ${n} small users (2 at a time)`, each);
  b.add(
    one(
      `containers left for ${n} hibernated users (${alive.containers} while alive)`,
      after.containers,
      'containers',
      '0',
      after.containers === 0,
    ),
  );
  b.add(
    one(
      `memory of their containers (cgroups) once hibernated (${mib(alive.cgroups).toFixed(0)} MiB alive)`,
      mib(after.cgroups),
      'MiB',
      '≈ 0',
      after.cgroups === 0,
    ),
  );
  // MemAvailable is the whole host's: on a shared machine other processes move it by tens of MiB.
  b.add(one(`host memory used per hibernated user (MemAvailable drop / ${n})`, used(after.mem) / n, 'MiB', '≈ 0'));
  b.add(one(`host memory used per user while the ${n} were alive, for scale`, used(alive.mem) / n, 'MiB'));
  b.add(one(`controller RSS with ${n} hibernated users (before them: ${mib(before.rss).toFixed(0)} MiB)`, mib(after.rss), 'MiB'));
  b.add(one(`archive bytes of ${n} hibernated users, total`, mib(bytes), 'MiB'));
  b.note(
    `${n} hibernated users (1000-row table each): ${after.containers} of their containers left (${alive.containers} alive before); ` +
      `MemAvailable ${mib(before.mem).toFixed(0)} MiB before them, ${mib(alive.mem).toFixed(0)} alive, ${mib(after.mem).toFixed(0)} hibernated ` +
      `(the host is shared: other processes move this by tens of MiB); controller RSS ${mib(before.rss).toFixed(0)} → ` +
      `${mib(alive.rss).toFixed(0)} → ${mib(after.rss).toFixed(0)} MiB; ${mine.length} archives, ${mib(bytes).toFixed(1)} MiB in all; ` +
      `hibernating them took ${allSecs.toFixed(0)} s.`,
  );
  return stalls;
}
