/**
 * BENCH_ONLY=ceilings — the controller's `select 1` exec beside what this machine can do at all, in
 * one run on one sandbox: a bare node:http server answering the same bytes (the HTTP ceiling),
 * node-postgres on the sandbox's socket without HTTP (the driver ceiling) and pgbench -M prepared
 * in a container on that socket (the database's); one client and 10; then a 1,000-row × 5-column
 * select through the controller beside node-postgres alone, and the controller's CPU per exec.
 */
import { readFileSync } from 'node:fs';
import type { SandboxResult } from '@pgsbx/contract';
import { Measured, connectPg, nodePostgres, runPgbench, withBareServer } from './ceiling-paths';
import { LoadResult, httpLoad } from './http-load';

export interface BenchRow {
  what: string;
  n: number;
  median: number;
  p95: number;
  p99: number;
  unit: string;
  target?: string;
  met?: boolean;
}

/** What the ceilings need of the bench that runs them. */
export interface CeilingsBench {
  port: number;
  controllerPid: number;
  image: string;
  prefix: string;
  seconds: number;
  token(user: string): string;
  exec(user: string, sql: string, session?: string): Promise<SandboxResult[]>;
  docker(args: string[]): string;
  record(what: string, xs: number[], unit?: string, target?: string, met?: boolean): BenchRow;
  add(row: BenchRow): void;
  note(text: string): void;
  log(text: string): void;
}

const USER = 'ceilings';
const SESSIONS = ['main', 's2', 's3', 's4'];
const CLIENTS = [1, 10] as const;
const WIDE_SQL =
  "select g as id, g * 2 as twice, 'row ' || g as label, g / 7.0 as ratio, g % 2 = 0 as even from generate_series(1, 1000) g";

export async function ceilings(b: CeilingsBench): Promise<void> {
  for (const s of SESSIONS) await b.exec(USER, 'select 1', s);
  const container = `${b.prefix}-u-${USER}`;
  const socketDir = b.docker([
    'inspect',
    '-f',
    '{{range .Mounts}}{{if eq .Destination "/var/run/postgresql"}}{{.Source}}{{end}}{{end}}',
    container,
  ]);

  const exec = (clients: number) => controllerLoad(b, clients);
  const controller = new Map<number, Measured>();
  const bare = new Map<number, Measured>();
  const driver = new Map<number, Measured>();
  const pgbench = new Map<number, Measured>();
  let cpuPerExec = NaN;
  for (const c of CLIENTS) {
    await exec(c); // warm the JIT and the sessions at this concurrency, unmeasured
    const ticks = cpuTicks(b.controllerPid);
    const r = await exec(c);
    if (c === 10) cpuPerExec = ((cpuTicks(b.controllerPid) - ticks) * 10) / r.latencies.length; // ticks are 10 ms
    controller.set(c, r);
  }
  const answer = (await controllerLoad(b, 1, 0.2)).sample;
  await withBareServer(answer, async (port) => {
    for (const c of CLIENTS) bare.set(c, await bareLoad(b, port, c));
  });
  for (const c of CLIENTS) driver.set(c, await nodePostgres(socketDir, c, b.seconds));
  for (const c of CLIENTS) pgbench.set(c, runPgbench(b, socketDir, c));

  for (const c of CLIENTS) {
    const who = c === 1 ? 'one client' : `${c} clients`;
    b.record(`ceilings, select 1, ${who}: controller exec`, controller.get(c)!.latencies);
    b.record(`ceilings, select 1, ${who}: bare node:http, same answer`, bare.get(c)!.latencies);
    b.record(`ceilings, select 1, ${who}: node-postgres, no HTTP`, driver.get(c)!.latencies);
    b.record(`ceilings, select 1, ${who}: pgbench -M prepared`, pgbench.get(c)!.latencies);
    for (const [name, m] of [
      ['controller exec', controller],
      ['bare node:http', bare],
      ['node-postgres', driver],
      ['pgbench', pgbench],
    ] as const) {
      b.add({
        what: `ceilings, select 1, ${who}: ${name} throughput`,
        n: m.get(c)!.latencies.length,
        median: m.get(c)!.perSecond,
        p95: NaN,
        p99: NaN,
        unit: 'req/s',
      });
    }
  }
  const ctl10 = controller.get(10)!.perSecond;
  const pg10 = pgbench.get(10)!.perSecond;
  b.add({
    what: 'ceilings: controller / pgbench throughput, 10 clients',
    n: 1,
    median: (100 * ctl10) / pg10,
    p95: NaN,
    p99: NaN,
    unit: '%',
    target: '≥ 15 %',
    met: ctl10 >= 0.15 * pg10,
  });
  b.add({
    what: 'ceilings: controller CPU per exec (10 clients, /proc)',
    n: controller.get(10)!.latencies.length,
    median: cpuPerExec,
    p95: NaN,
    p99: NaN,
    unit: 'ms',
    target: '≤ 0.2',
    met: cpuPerExec <= 0.2,
  });
  const one = controller.get(1)!.latencies;
  const p = (xs: number[], q: number) => percentile(xs, q);
  b.add({
    what: 'ceilings: controller exec, one client, p50 / p99',
    n: one.length,
    median: p(one, 50),
    p95: NaN,
    p99: p(one, 99),
    unit: 'ms',
    target: 'p50 ≤ 0.4, p99 ≤ 2',
    met: p(one, 50) <= 0.4 && p(one, 99) <= 2,
  });

  const wide = await wideSelect(b, socketDir);
  b.record('1,000 rows × 5 columns: controller exec', wide.controller);
  b.record('1,000 rows × 5 columns: node-postgres alone', wide.driver);
  const wideRatio = p(wide.controller, 50) / p(wide.driver, 50);
  b.add({
    what: '1,000 rows × 5 columns: controller / node-postgres (medians)',
    n: 1,
    median: wideRatio,
    p95: NaN,
    p99: NaN,
    unit: '×',
    target: '≤ 2',
    met: wideRatio <= 2,
  });

  const ratio = (a: Measured, z: Measured) => `${((100 * a.perSecond) / z.perSecond).toFixed(1)} %`;
  for (const c of CLIENTS) {
    const ctl = controller.get(c)!;
    b.note(
      `Ceilings, select 1, ${c} client${c > 1 ? 's' : ''}: controller ${ctl.perSecond.toFixed(0)} req/s = ${ratio(ctl, bare.get(c)!)} of bare node:http ` +
        `(${bare.get(c)!.perSecond.toFixed(0)}), ${ratio(ctl, driver.get(c)!)} of node-postgres (${driver.get(c)!.perSecond.toFixed(0)}), ` +
        `${ratio(ctl, pgbench.get(c)!)} of pgbench (${pgbench.get(c)!.perSecond.toFixed(0)} tps); p50 ${p(ctl.latencies, 50).toFixed(3)} ms vs ` +
        `${p(bare.get(c)!.latencies, 50).toFixed(3)} / ${p(driver.get(c)!.latencies, 50).toFixed(3)} / ${p(pgbench.get(c)!.latencies, 50).toFixed(3)} ms.`,
    );
  }
  b.note(
    `Controller CPU per exec (10 clients, utime + stime from /proc): ${cpuPerExec.toFixed(3)} ms; 1,000 × 5 select: ${wideRatio.toFixed(2)}× node-postgres.`,
  );
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, z) => a - z);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))];
}

/** utime + stime of a process, in clock ticks (10 ms on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function controllerLoad(b: CeilingsBench, clients: number, seconds = b.seconds): Promise<LoadResult> {
  const r = await httpLoad(
    {
      host: '127.0.0.1',
      port: b.port,
      method: 'POST',
      path: '/api/sandbox/exec',
      headers: { authorization: `Bearer ${b.token(USER)}`, 'content-type': 'application/json' },
      // One session per connection, round robin: 10 clients share the 4 sessions a sandbox has.
      body: SESSIONS.map((session) => JSON.stringify({ sql: 'select 1', session })),
    },
    clients,
    seconds,
  );
  if (r.failures) throw new Error(`ceilings: ${r.failures} controller answers were not 200: ${r.sample}`);
  return r;
}

async function bareLoad(b: CeilingsBench, port: number, clients: number): Promise<LoadResult> {
  const body = JSON.stringify({ sql: 'select 1', session: 'main' });
  const headers = { authorization: `Bearer ${b.token(USER)}`, 'content-type': 'application/json' };
  return httpLoad({ host: '127.0.0.1', port, method: 'POST', path: '/api/sandbox/exec', headers, body }, clients, b.seconds);
}

async function wideSelect(b: CeilingsBench, socketDir: string): Promise<{ controller: number[]; driver: number[] }> {
  const n = 60;
  const controller: number[] = [];
  const driver: number[] = [];
  const pg = await connectPg(socketDir);
  try {
    for (let i = 0; i < n + 5; i++) {
      let t = performance.now();
      const [r] = await b.exec(USER, WIDE_SQL);
      const ms = performance.now() - t;
      if (!('rows' in r) || r.rows.length !== 1000) throw new Error('ceilings: the wide select did not return 1,000 rows');
      t = performance.now();
      const rows = (await pg.query(WIDE_SQL)).rows;
      const pgMs = performance.now() - t;
      if (rows.length !== 1000) throw new Error('ceilings: node-postgres did not return 1,000 rows');
      if (i >= 5) {
        controller.push(ms);
        driver.push(pgMs);
      }
    }
  } finally {
    await pg.end();
  }
  return { controller, driver };
}
