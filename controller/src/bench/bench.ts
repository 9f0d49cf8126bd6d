#!/usr/bin/env node
// ~600 lines on purpose: the scenarios share one controller, its clean-up and the report; the larger
// sections (ceilings, hibernation, big results) already live in their own files.
/**
 * npm run bench — measures, in one run, against the built controller and real Docker:
 * warm-pool first exec, empty-pool first exec beside a bare `docker run` + first query, reset →
 * next exec, select-1 throughput through the controller beside pgbench on the same sandbox, and
 * another user's latency under hostile loads and under big results, and memory with many idle
 * sandboxes alive. Prints a table; writes bench-output/report.md + chart.svg.
 * Targets are reported, never asserted: these machines are noisy.
 * One file on purpose (~600 lines): every scenario shares the controller it starts, the users it
 * signs in and the report it writes; big-results-load.ts holds the one load that stands alone.
 *   BENCH_SANDBOXES (default 200), BENCH_SAMPLES (default 30), BENCH_SECONDS (default 5),
 *   BENCH_ONLY (comma-separated scenario names, e.g. big-results or ceilings; default all; swarm: swarm.ts),
 *   BENCH_PREFIX (container prefix, default pgsbx-bench), BENCH_CONTROLLER (the controller's main.js to measure; default this checkout's build)
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { PinnedSocket } from '../database/pinned-socket';
import { BenchClient, BenchTarget } from './bench-client';
import { BIG_RESULT_SQL, peakRss, pullBigResults } from './big-results-load';
import { BenchRow, ceilings } from './ceilings';
import { hibernationBench } from './hibernation';
import { swarmBench } from './swarm';
import { firstExecs, resetsThenExec } from './user-latency';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const PREFIX = process.env.BENCH_PREFIX ?? 'pgsbx-bench';
const SECRET = randomBytes(24).toString('hex');
const IMAGE = process.env.SANDBOX_IMAGE ?? 'pgsbx/postgres:17';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const SANDBOXES = Number(process.env.BENCH_SANDBOXES ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const POOL = 4;
const MEMORY = '512m';

type Row = BenchRow;
const rows: Row[] = [];
const notes: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
function record(what: string, xs: number[], unit = 'ms', target?: string, met?: boolean): Row {
  const r = { what, n: xs.length, median: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), unit, target, met };
  rows.push(r);
  log(`${what}: median ${fmt(r.median)} ${unit} (p95 ${fmt(r.p95)}, p99 ${fmt(r.p99)}, n=${r.n})`);
  return r;
}
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

// The host's controller, made in main once its port is known; the wrappers keep the scenarios short.
let client!: BenchClient;
const sign = (sub: string, role = 'pro'): string => client.token(sub, role);
const ADMIN = () => client.admin();
const api: BenchTarget['api'] = (method, path, token, body) => client.api(method, path, token, body);
const exec = (user: string, sql: string, session?: string) => client.exec(user, sql, session);
const poolAt = (ready: number) => client.poolAt(ready);
function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
function tolerantly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    log(`cleanup: ${(e as Error).message.split('\n')[0]}`);
  }
}
/** Removes the bench's containers; tolerant, so it never hides the error that stopped a run. */
function cleanup(): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const ids = docker(['ps', '-aq', '--filter', `label=pgsbx.prefix=${PREFIX}`])
        .split('\n')
        .filter(Boolean);
      const bare = docker(['ps', '-aq', '--filter', `name=${PREFIX}-bare-`])
        .split('\n')
        .filter(Boolean);
      const all = [...ids, ...bare];
      if (!all.length) return;
      for (let i = 0; i < all.length; i += 50) docker(['rm', '-f', '-v', ...all.slice(i, i + 50)]);
      return;
    } catch (e) {
      log(`cleanup: ${(e as Error).message.split('\n')[0]}; retrying`);
      execFileSync('sleep', ['5']);
    }
  }
}
async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}
function meminfoAvailable(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return Number(m?.[1]) * 1024;
}
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]) * 1024;
}
/** A container's memory cgroup usage (tmpfs data included), v1 or v2. */
function cgroupMemory(id: string): number | null {
  for (const p of [
    `/sys/fs/cgroup/memory/docker/${id}/memory.usage_in_bytes`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope/memory.current`,
  ]) {
    try {
      return Number(readFileSync(p, 'utf8').trim());
    } catch {
      /* try the next layout */
    }
  }
  return null;
}
async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

// ---- the scenarios ----------------------------------------------------------------------------

async function warmFirstExec(): Promise<void> {
  const r = record('new user first exec, warm pool', await firstExecs(client, SAMPLES, 'warm'), 'ms', 'p50 ≤ 30, p99 ≤ 100');
  r.met = r.median <= 30 && r.p99 <= 100;
}

async function resetThenExec(): Promise<void> {
  const r = record('reset, then next exec (warm pool)', await resetsThenExec(client, SAMPLES, 'resetter'), 'ms', 'p50 ≤ 50');
  r.met = r.median <= 50;
}

/** `docker run` of the same image with the same flags as the runtime, until `select 1` answers. */
async function bareDockerRun(i: number): Promise<number> {
  const name = `${PREFIX}-bare-${i}`;
  const t = now();
  await run('docker', [
    'run',
    '-d',
    '--name',
    name,
    '--no-healthcheck',
    '--network',
    'none',
    '--read-only',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--user',
    '999:999',
    '--pids-limit',
    '64',
    '--memory',
    MEMORY,
    '--memory-swap',
    MEMORY,
    '--cpus',
    '1',
    '--shm-size',
    '32m',
    '--tmpfs',
    '/var/lib/postgresql/data:rw,nosuid,nodev,size=256m,mode=0700,uid=999,gid=999',
    '--tmpfs',
    '/tmp:rw,nosuid,nodev,noexec,size=16m,mode=1777',
    '--mount',
    'type=volume,dst=/var/run/postgresql,volume-opt=type=tmpfs,volume-opt=device=tmpfs,' +
      '"volume-opt=o=size=1m,nr_inodes=64,uid=999,gid=999,mode=0700,nosuid,nodev,noexec"',
    '--log-opt',
    'max-size=1m',
    IMAGE,
  ]);
  // Docker's volume path is too long for a Unix socket address; connect the way the controller does.
  const dir = (await run('docker', ['inspect', '-f', '{{range .Mounts}}{{.Source}}{{end}}', name])).stdout.trim();
  for (;;) {
    let socket: PinnedSocket | undefined;
    let c: Client | undefined;
    try {
      // pg asks for its stream as it is constructed: the socket must be open first.
      const pinned = (socket = PinnedSocket.open(dir));
      c = new Client({ host: dir, user: 'sandbox', database: 'sandbox', stream: () => pinned.stream() });
      c.on('error', () => undefined);
      await c.connect();
      await c.query('select 1');
      await c.end();
      break;
    } catch {
      await c?.end().catch(() => undefined);
      await sleep(5);
    } finally {
      socket?.close();
    }
  }
  const ms = now() - t;
  docker(['rm', '-f', '-v', name]);
  return ms;
}

async function emptyPoolVsBare(): Promise<void> {
  await api('PUT', '/api/admin/pool', ADMIN(), { size: 0 });
  await poolAt(0);
  const n = Math.max(5, Math.round(SAMPLES / 3));
  const cold: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    await exec(`cold-${i}`, 'select 1');
    cold.push(now() - t);
    bare.push(await bareDockerRun(i));
  }
  const b = record('bare docker run + first query (baseline)', bare);
  const c = record('new user first exec, empty pool', cold, 'ms', '≤ 1.2 × baseline');
  c.met = c.median <= 1.2 * b.median;
  notes.push(`Empty pool / bare baseline, medians side by side: ${(c.median / b.median).toFixed(2)}×.`);
  await api('PUT', '/api/admin/pool', ADMIN(), { size: POOL });
}

async function throughput(): Promise<void> {
  const user = 'thru';
  const sessions = ['main', 's2', 's3', 's4'];
  for (const s of sessions) await exec(user, 'select 1', s);
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = now();
    await exec(user, 'select 1');
    single.push(now() - t);
  }
  record('select 1 exec latency, one client', single);
  const clients = 10;
  const deadline = now() + SECONDS * 1000;
  let ops = 0;
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, k) => {
      while (now() < deadline) {
        const t = now();
        await exec(user, 'select 1', sessions[k % sessions.length]);
        lat.push(now() - t);
        ops++;
      }
    }),
  );
  const ctlTps = ops / SECONDS;
  record('select 1 exec latency, 10 clients', lat);
  // pgbench against the very same sandbox, over the same socket, from a client container.
  const id = docker(['inspect', '-f', '{{.Id}}', `${PREFIX}-u-${user}`]);
  const sock = docker(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/var/run/postgresql"}}{{.Source}}{{end}}{{end}}', id]);
  const script = mkdtempSync(join(tmpdir(), 'pgsbx-bench-'));
  writeFileSync(join(script, 'select1.sql'), 'select 1;\n');
  const out = docker([
    'run',
    '--rm',
    '--network',
    'none',
    '--user',
    '0',
    '-v',
    `${sock}:/var/run/postgresql`,
    '-v',
    `${script}:/bench:ro`,
    '--entrypoint',
    '/usr/lib/postgresql/17/bin/pgbench',
    IMAGE,
    '-h',
    '/var/run/postgresql',
    '-U',
    'sandbox',
    '-d',
    'sandbox',
    '-n',
    '-c',
    String(clients),
    '-j',
    '2',
    '-T',
    String(SECONDS),
    '-f',
    '/bench/select1.sql',
  ]);
  rmSync(script, { recursive: true, force: true });
  const pgbenchTps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  rows.push({
    what: 'select 1 throughput via controller (10 clients, 4 sessions)',
    n: ops,
    median: ctlTps,
    p95: NaN,
    p99: NaN,
    unit: 'req/s',
  });
  rows.push({ what: 'select 1 throughput, pgbench -c 10 on the same sandbox', n: 1, median: pgbenchTps, p95: NaN, p99: NaN, unit: 'tps' });
  const ratio = ctlTps / pgbenchTps;
  rows.push({
    what: 'controller / pgbench throughput',
    n: 1,
    median: ratio * 100,
    p95: NaN,
    p99: NaN,
    unit: '%',
    target: '≥ 40 %',
    met: ratio >= 0.4,
  });
  log(`throughput: controller ${ctlTps.toFixed(0)} req/s, pgbench ${pgbenchTps.toFixed(0)} tps (${(ratio * 100).toFixed(0)} %)`);
}

/** Another user's select-1 latency, quiet and then while three users run hostile loads. */
/** `n` select-1 latencies of user `calm`, one at a time, 20 ms apart. */
async function probe(n: number): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    await exec('calm', 'select 1');
    xs.push(now() - t);
    await sleep(20);
  }
  return xs;
}

async function otherUserUnderLoad(): Promise<void> {
  await exec('calm', 'select 1');
  const hostile: [string, string][] = [
    ['cpu', 'select count(*) from generate_series(1, 30000000)'],
    ['memory', "select length(string_agg(repeat('x', 1000000), '')) from generate_series(1, 400)"],
    ['tempfiles', "set work_mem = '64kB'; select count(*) from (select g from generate_series(1, 5000000) g order by g desc) s"],
  ];
  for (const [u] of hostile) await exec(`load-${u}`, 'select 1');
  const quiet = await probe(40);
  let stop = false;
  const loads = hostile.flatMap(([u, sql]) =>
    ['main', 's2', 's3', 's4'].map(async (session) => {
      while (!stop) await api('POST', '/api/sandbox/exec', sign(`load-${u}`), { sql, session }).catch(() => undefined);
    }),
  );
  await sleep(1000);
  const loaded = await probe(40);
  stop = true;
  await Promise.all(loads);
  const q = record('other user select 1, quiet', quiet);
  const l = record('other user select 1, while 3 users run CPU, memory and temp-file loads on 4 sessions each', loaded);
  notes.push(
    `Another user's select 1 under hostile load: median ${(l.median / q.median).toFixed(1)}× the quiet median (p95 ${fmt(q.p95)} → ${fmt(l.p95)} ms).`,
  );
}

/** Another user's select-1 latency, quiet and then while two users pull 32 MiB results back to back. */
async function otherUserUnderBigResults(controller: ChildProcess): Promise<void> {
  const pullers = ['big-1', 'big-2'];
  await exec('calm', 'select 1');
  for (const [i, u] of pullers.entries()) {
    const [r] = await exec(u, BIG_RESULT_SQL[i % BIG_RESULT_SQL.length]);
    if (!('rows' in r) || !r.rows.length) throw new Error(`big results: ${u} got no rows`);
  }
  const n = Math.max(100, SAMPLES * 5);
  const quiet = await probe(n);
  const rss = peakRss(controller.pid as number);
  const load = pullBigResults(client.base, (u) => sign(u), pullers);
  await sleep(1000);
  const loaded = await probe(n);
  const stats = await load.stop();
  const peak = rss.stop();
  const q = record('other user select 1, quiet (big-results run)', quiet);
  const l = record('other user select 1, while 2 users pull 32 MiB results back to back', loaded, 'ms', 'p99 ≤ 3 × quiet p99');
  l.met = l.p99 <= 3 * q.p99;
  rows.push({
    what: 'controller peak RSS while 2 users pull 32 MiB results',
    n: 1,
    median: peak / 1048576,
    p95: NaN,
    p99: NaN,
    unit: 'MiB',
  });
  notes.push(
    `Big results: another user's select 1 p50/p95/p99 ${fmt(q.median)}/${fmt(q.p95)}/${fmt(q.p99)} ms quiet → ` +
      `${fmt(l.median)}/${fmt(l.p95)}/${fmt(l.p99)} ms loaded (p99 ${(l.p99 / q.p99).toFixed(1)}×); ` +
      `${stats.responses} big responses (${(stats.bytes / 1048576).toFixed(0)} MiB, ${stats.failures} failed); controller peak RSS ${(peak / 1048576).toFixed(0)} MiB.`,
  );
}

async function manyIdle(controller: ChildProcess): Promise<void> {
  await api('PUT', '/api/admin/pool', ADMIN(), { size: 0 });
  await poolAt(0);
  // Start from no user sandboxes, so the delta is the fleet's alone.
  for (const s of (await api('GET', '/api/admin/sandboxes?stats=0', ADMIN())).json as { user: string }[]) {
    await api('DELETE', `/api/admin/sandboxes/${encodeURIComponent(s.user)}`, ADMIN());
  }
  await sleep(2000);
  const before = meminfoAvailable();
  const rssBefore = rssOf(controller.pid as number);
  const users = Array.from({ length: SANDBOXES }, (_, i) => `idle-${i}`);
  const t = now();
  await mapLimit(users, 16, (u) => exec(u, 'select 1'));
  const startSecs = (now() - t) / 1000;
  log(`${SANDBOXES} sandboxes up in ${startSecs.toFixed(0)} s`);
  await sleep(5000); // let them settle to idle
  const after = meminfoAvailable();
  const perHost = (before - after) / SANDBOXES / 1024 / 1024;
  const list = (await api('GET', '/api/admin/sandboxes?stats=0', ADMIN())).json as { containerId: string; container: string }[];
  const cg: number[] = [];
  for (const s of list) {
    const full = docker(['inspect', '-f', '{{.Id}}', s.container]);
    const m = cgroupMemory(full);
    if (m !== null) cg.push(m / 1024 / 1024);
  }
  const answers = await mapLimit(users, 20, async (u) => {
    const t0 = now();
    await exec(u, 'select 1');
    return now() - t0;
  });
  const rssAfter = rssOf(controller.pid as number);
  const r = record(`memory per idle sandbox (cgroup, tmpfs data included), ${SANDBOXES} alive`, cg, 'MiB', '≤ 20 MB');
  r.met = r.median <= 20;
  rows.push({
    what: `host memory used per sandbox (MemAvailable drop / ${SANDBOXES})`,
    n: SANDBOXES,
    median: perHost,
    p95: NaN,
    p99: NaN,
    unit: 'MiB',
  });
  rows.push({
    what: `controller RSS with ${SANDBOXES} sandboxes (before: ${(rssBefore / 1048576).toFixed(0)} MiB)`,
    n: 1,
    median: rssAfter / 1048576,
    p95: NaN,
    p99: NaN,
    unit: 'MiB',
  });
  record(`select 1 on each of the ${SANDBOXES} sandboxes (20 at a time)`, answers);
  notes.push(
    `${answers.length} of ${SANDBOXES} idle sandboxes answered; starting them took ${startSecs.toFixed(0)} s (${SANDBOXES} cold starts, ${(SANDBOXES / startSecs).toFixed(1)}/s).`,
  );
}

// ---- report -----------------------------------------------------------------------------------

function table(): string {
  const head = '| what | n | median | p95 | p99 | unit | target | met |\n| --- | ---: | ---: | ---: | ---: | --- | --- | --- |';
  const line = (r: Row) =>
    `| ${r.what} | ${r.n} | ${fmt(r.median)} | ${Number.isNaN(r.p95) ? '' : fmt(r.p95)} | ${Number.isNaN(r.p99) ? '' : fmt(r.p99)} | ${r.unit} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`;
  return [head, ...rows.map(line)].join('\n');
}

function chart(): string {
  const lat = rows.filter((r) => r.unit === 'ms');
  const max = Math.max(...lat.map((r) => r.p95));
  const w = 900;
  const barX = 360;
  const scale = (w - barX - 80) / max;
  const bars = lat
    .map((r, i) => {
      const y = 30 + i * 34;
      return `<text x="${barX - 8}" y="${y + 15}" text-anchor="end" font-size="12">${r.what.replace(/&/g, '&amp;')}</text>
<rect x="${barX}" y="${y}" width="${Math.max(1, r.median * scale)}" height="20" fill="#3b6ea5"/>
<line x1="${barX + r.p95 * scale}" y1="${y - 2}" x2="${barX + r.p95 * scale}" y2="${y + 22}" stroke="#c0392b" stroke-width="2"/>
<text x="${barX + Math.max(r.median, r.p95) * scale + 6}" y="${y + 15}" font-size="12">${fmt(r.median)} ms</text>`;
    })
    .join('\n');
  const h = 50 + lat.length * 34;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">
<text x="10" y="18" font-size="14" font-weight="bold">postgres-sandbox latency: median (bar), p95 (red line)</text>
${bars}
</svg>\n`;
}

async function main(): Promise<void> {
  const main = resolve(process.env.BENCH_CONTROLLER ?? join(ROOT, 'controller/dist/main.js'));
  cleanup();
  const port = await freePort();
  client = new BenchClient(`http://127.0.0.1:${port}`, SECRET, POOL, log);
  // Its own archive directory: a shared one would let this controller's orphan sweep see another's files.
  const archives = mkdtempSync(join(tmpdir(), 'pgsbx-bench-archives-'));
  const controller = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: String(port),
      SANDBOX_PREFIX: PREFIX,
      JWT_SECRET: SECRET,
      SANDBOX_WARM_POOL: String(POOL),
      SANDBOX_MAX: String(SANDBOXES + 50),
      SANDBOX_IDLE_TIMEOUT: '2h',
      SANDBOX_MEMORY: MEMORY,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      // Saving every sandbox as the bench stops would leave users that wake on the next run.
      SANDBOX_HIBERNATE_ON_SHUTDOWN: 'off',
      SANDBOX_ARCHIVE_DIR: archives,
      // No background saves measured as latency (the swarm scenario's stack runs without them too).
      SANDBOX_AUTOSAVE: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const started = new Date();
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${client.base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('controller did not start');
      await sleep(50);
    }
    await poolAt(POOL);
    log('controller up, pool warm');
    const want = (name: string) => ONLY.length === 0 || ONLY.includes(name);
    if (want('warm')) await warmFirstExec();
    if (want('reset')) await resetThenExec();
    if (want('cold')) await emptyPoolVsBare();
    await poolAt(POOL);
    if (want('throughput')) await throughput();
    if (want('ceilings')) {
      await ceilings({
        ...{ port, controllerPid: controller.pid as number, image: IMAGE, prefix: PREFIX, seconds: SECONDS },
        ...{ token: (u: string) => sign(u), exec, docker, record, log },
        add: (r) => void rows.push(r),
        note: (n) => void notes.push(n),
      });
    }
    if (want('hostile')) await otherUserUnderLoad();
    if (want('big-results')) await otherUserUnderBigResults(controller);
    if (want('hibernation')) {
      await hibernationBench({
        ...{ prefix: PREFIX, controllerPid: controller.pid as number, samples: SAMPLES, pool: POOL, maxSandboxes: SANDBOXES + 50 },
        ...{
          api,
          token: (u: string) => sign(u),
          admin: ADMIN,
          exec: (u: string, sql: string) => exec(u, sql),
          poolAt,
          docker,
          cgroupMemory,
          record,
          log,
        },
        add: (r) => void rows.push(r),
        note: (n) => void notes.push(n),
      });
    }
    if (want('swarm'))
      await swarmBench({ docker: client, samples: SAMPLES, record, log, add: (r) => void rows.push(r), note: (n) => void notes.push(n) });
    if (want('idle') && SANDBOXES > 0) await manyIdle(controller);
  } finally {
    controller.kill('SIGTERM');
    cleanup();
    // The bench's control store too (its records are the bench's alone), after the controller stopped.
    await sleep(1000);
    tolerantly(() => docker(['rm', '-f', '-v', `${PREFIX}-control`]));
    tolerantly(() => docker(['volume', 'rm', `${PREFIX}-control`, `${PREFIX}-control-socket`]));
    rmSync(archives, { recursive: true, force: true });
  }
  const md = `# postgres-sandbox benchmark

Run ${started.toISOString()} on ${execFileSync('nproc').toString().trim()} cores, ${(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) / 1048576).toFixed(0)} GiB;
Docker ${docker(['version', '-f', '{{.Server.Version}}'])}; image ${IMAGE}; warm pool ${POOL}; sandbox memory limit ${MEMORY}.
Latencies are end to end over HTTP from a separate client process (token checks, JSON and all).

${table()}

${notes.map((n) => `- ${n}`).join('\n')}

![latency chart](chart.svg)
`;
  const outDir = join(ROOT, 'bench-output');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'report.md'), md);
  writeFileSync(join(outDir, 'chart.svg'), chart());
  process.stdout.write(`\n${table()}\n\n${notes.join('\n')}\n\nreport: ${join(outDir, 'report.md')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
