import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SandboxView } from '@pgsbx/contract';
import { MANAGER, NODES, onNode } from '../cluster/dind-cluster';
import { StackDeployment } from '../cluster/stack-deployment';
import { BenchClient, BenchTarget } from './bench-client';
import type { BenchRow } from './ceilings';
import { bounded, hibernateAndWake, load } from './hibernation';
import { firstExecs, resetsThenExec, select1Rounds } from './user-latency';

/**
 * BENCH_ONLY=swarm (issue 12): docker mode and swarm mode side by side, in one run, by the same
 * code (user-latency.ts, hibernation.ts): a new user's first exec from the warm pool, reset → next
 * exec, wake of a 1 MiB database from its archive, `select 1` exec latency; and the overlay's cost
 * per statement, from swarm sandboxes on the controller's node beside sandboxes on a worker.
 * Docker mode is the bench's own controller on the host; swarm mode is deploy/stack.yaml deployed
 * on the DinD cluster (a controller on the host cannot reach sandboxes on the cluster's overlay).
 * The cluster is brought up when none is (and down again afterwards); PGSBX_CLUSTER picks it.
 */

export interface SwarmBench {
  /** The bench's controller on the host. */
  docker: BenchClient;
  samples: number;
  record(what: string, xs: number[], unit?: string, target?: string, met?: boolean): BenchRow;
  add(row: BenchRow): void;
  note(text: string): void;
  log(text: string): void;
}

const ROOT = join(__dirname, '../../..');
const POOL = 4;
const MiB = 1024 * 1024;
/** Swarm sandboxes per side (manager / workers) in the `select 1` comparison. */
const PER_SIDE = 2;
const now = () => performance.now();
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const signed = (x: number) => (x < 0 ? fmt(x) : `+${fmt(x)}`);
const one = (what: string, value: number, unit: string, target?: string, met?: boolean): BenchRow => ({
  ...{ what, n: 1, median: value, p95: NaN, p99: NaN },
  ...{ unit, target, met },
});

export async function swarmBench(b: SwarmBench): Promise<void> {
  const broughtUp = clusterUp((s) => b.log(s));
  try {
    b.log('swarm: controller image (deploy/controller-image.sh)');
    execFileSync('bash', [join(ROOT, 'deploy/controller-image.sh')], { stdio: ['ignore', 2, 'inherit'] });
    const stack = new StackDeployment({
      ...{ name: 'pgsbx-swbench', port: 13990, controlSubnet: '10.231.252.0/24', sandboxSubnet: '10.233.64.0/20' },
      // As the docker side runs: autosave off (a save in the background would be measured as
      // latency), no rate limit (the bench is one user sending hundreds of requests a minute).
      env: { SANDBOX_WARM_POOL: String(POOL), SANDBOX_AUTOSAVE: 'off', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' },
    });
    let swarm: BenchClient | undefined;
    try {
      b.log(`swarm: deploying deploy/stack.yaml as ${stack.name} on ${MANAGER}`);
      await stack.deploy();
      // A swarm pool entry is a service: scheduled, its image started on a node, TLS proven.
      swarm = new BenchClient(stack.base, stack.jwtSecret, POOL, (s) => b.log(`swarm: ${s}`), 180_000);
      await swarm.poolAt(POOL);
      b.log('swarm: stack up, pool warm');
      await compare(b, b.docker, swarm);
    } finally {
      swarm?.close();
      await stack.remove();
    }
  } finally {
    if (broughtUp) {
      b.log('swarm: bringing the cluster down again (this run brought it up)');
      execFileSync('bash', [join(ROOT, 'scripts/cluster/down.sh')], { stdio: ['ignore', 2, 'inherit'] });
    }
  }
}

/** Runs scripts/cluster/up.sh unless every node runs; true when no node ran before (ours to remove). */
function clusterUp(log: (s: string) => void): boolean {
  const running = (node: string) => {
    try {
      return execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', node], { encoding: 'utf8', stdio: 'pipe' }).trim() === 'true';
    } catch {
      return false;
    }
  };
  const before = NODES.map(running);
  if (before.every(Boolean)) return false;
  log(`swarm: starting the cluster ${NODES.join(', ')} (scripts/cluster/up.sh)`);
  execFileSync('bash', [join(ROOT, 'scripts/cluster/up.sh')], { stdio: ['ignore', 2, 'inherit'] });
  return !before.some(Boolean);
}

async function compare(b: SwarmBench, docker: BenchClient, swarm: BenchClient): Promise<void> {
  const tag = randomBytes(3).toString('hex');
  const sides = [
    ['docker', docker],
    ['swarm', swarm],
  ] as const;
  const user = (what: string) => `sw-${tag}-${what}`;
  try {
    const first = new Map<string, BenchRow>();
    for (const [mode, t] of sides) {
      first.set(mode, b.record(`${mode} mode: new user first exec, warm pool`, await firstExecs(t, b.samples, user('first'))));
    }
    const ratio = first.get('swarm')!.median / first.get('docker')!.median;
    b.add(one('first exec from the pool, swarm / docker (medians)', ratio, '×', '≤ 2×', ratio <= 2));

    await select1(b, docker, swarm, user);

    for (const [mode, t] of sides) {
      b.record(`${mode} mode: reset, then next exec (warm pool)`, await resetsThenExec(t, b.samples, user('reset')));
    }
    for (const [mode, t] of sides) {
      const u = user('wake');
      const loaded = await load(t, u, MiB);
      const r = await hibernateAndWake(bounded<BenchTarget>(t), u, b.samples, loaded.rows);
      if (r.stalled) b.note(`Stalled (${mode} mode): ${r.stalled}.`);
      if (r.wake.length) b.record(`${mode} mode: wake + first result, 1 MiB database, warm pool`, r.wake);
    }
  } finally {
    // Docker mode's control store outlives the bench: no hibernated user of this run stays in it.
    await docker.api('DELETE', `/api/admin/sandboxes/${user('wake')}?force=1`, docker.admin()).catch(() => undefined);
  }
}

/**
 * `select 1` latency on each side; on the swarm, sandboxes on the manager (the controller's own
 * node: TCP + TLS, no VXLAN hop) beside sandboxes on workers (the overlay across the bridge). The
 * users are the first-exec ones, whose sandboxes are up and spread by the scheduler.
 */
async function select1(b: SwarmBench, docker: BenchClient, swarm: BenchClient, user: (w: string) => string): Promise<void> {
  const rounds = Math.max(50, 4 * b.samples);
  const candidates = Array.from({ length: b.samples }, (_, i) => user(`first-${i}`));
  for (const u of candidates) await swarm.exec(u, 'select 1'); // awake (a reaper may have had them), unmeasured
  const where = await nodesOf(swarm);
  const onManager = candidates.filter((u) => where.get(u) === MANAGER).slice(0, PER_SIDE);
  const onWorkers = candidates.filter((u) => where.get(u) && where.get(u) !== MANAGER).slice(0, PER_SIDE);
  b.log(`swarm: select 1 on ${onManager.length} sandboxes on the manager, ${onWorkers.length} on workers, ${rounds} rounds`);

  const dockerUsers = candidates.slice(0, PER_SIDE);
  const d = b.record(
    'docker mode: select 1 exec latency, one client',
    [...(await select1Rounds(docker, dockerUsers, rounds)).values()].flat(),
  );
  const lat = await select1Rounds(swarm, [...onManager, ...onWorkers], rounds);
  const of = (users: string[]) => users.flatMap((u) => lat.get(u) ?? []);
  b.record('swarm mode: select 1 exec latency, one client (all sampled sandboxes)', of([...onManager, ...onWorkers]));
  const m = onManager.length
    ? b.record('swarm mode: select 1, sandbox on the manager (same node as the controller)', of(onManager))
    : undefined;
  const w = onWorkers.length ? b.record('swarm mode: select 1, sandbox on a worker (across the overlay)', of(onWorkers)) : undefined;

  // The HTTP path alone (a status call, no SQL), to tell it apart from the statement's path.
  const status = async (t: BenchClient, u: string) => {
    const xs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = now();
      const r = await t.api('GET', '/api/sandbox', t.token(u));
      if (r.status !== 200) throw new Error(`status ${u}: ${r.status}`);
      xs.push(now() - start);
    }
    return xs;
  };
  const hd = b.record('docker mode: GET /api/sandbox (HTTP round trip, no SQL)', await status(docker, dockerUsers[0]));
  const hs = b.record('swarm mode: GET /api/sandbox (HTTP round trip, no SQL)', await status(swarm, candidates[0]));

  if (m && w) {
    b.add(one('overlay added latency per statement (worker − manager, medians)', w.median - m.median, 'ms'));
  } else {
    b.note(
      `The overlay's cost could not be measured: no sampled sandbox ${m ? 'on a worker' : 'on the manager'} (${[...where.values()].join(', ')}).`,
    );
  }
  if (m) {
    const diff = m.median - d.median;
    const http = hs.median - hd.median;
    b.add(one('swarm same node − docker mode, select 1 (medians)', diff, 'ms'));
    b.note(
      `select 1, docker mode ${fmt(d.median)} ms vs swarm on the controller's node ${fmt(m.median)} ms (${signed(diff)} ms): ` +
        `docker mode reaches Postgres over a Unix socket (peer), the swarm controller over TCP + TLS 1.3 (SCRAM at connect) ` +
        `from a container in a DinD node, and its API is reached over the cluster's bridge and the host-mode port ` +
        `(the HTTP round trip alone: ${fmt(hd.median)} → ${fmt(hs.median)} ms, ${signed(http)} ms; ` +
        `so ≈ ${fmt(diff - http)} ms of the difference is the statement's own path).` +
        (w
          ? ` On a worker: ${fmt(w.median)} ms, so the overlay (VXLAN across the bridge) adds ${signed(w.median - m.median)} ms a statement (within this machine's noise when it is near 0 or below).`
          : ''),
    );
  }
}

/** Each swarm user's node (host name), as the swarm tells it for the sandbox's service. */
async function nodesOf(swarm: BenchClient): Promise<Map<string, string>> {
  const list = (await swarm.api('GET', '/api/admin/sandboxes?stats=0', swarm.admin())).json as SandboxView[];
  const out = new Map<string, string>();
  for (const s of list) {
    if (!s.user) continue;
    const node = onNode(MANAGER, ['service', 'ps', '-f', 'desired-state=running', '--format', '{{.Node}}', s.containerId]);
    out.set(s.user, node.split('\n')[0]);
  }
  return out;
}
