import { firstValueFrom, filter } from 'rxjs';
import { ContainerInfo, ContainerNotFoundError, SandboxContainerSpec } from '../../src/runtime/container-runtime';
import { NODES, onNode, removeServices, swarmConfig, swarmRuntime } from './cluster';

const prefix = `pgsbx-f${process.pid % 100000}`;
const labels = { 'pgsbx.prefix': prefix };
const spec = (name: string): SandboxContainerSpec => ({
  name: `${prefix}-${name}`,
  image: swarmConfig(prefix).image,
  labels,
  memoryBytes: 256 * 2 ** 20,
  dataBytes: 64 * 2 ** 20,
  cpus: 0.5,
  pidsLimit: 64,
});

/** The task's container, found on the node the swarm put it on. */
function taskContainer(info: ContainerInfo): { node: string; id: string } {
  const node = info.node!;
  const id = onNode(node, ['ps', '-q', '--filter', `label=com.docker.swarm.service.id=${info.id}`]);
  return { node, id };
}

async function untilAnswers(query: () => string | Promise<string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await query();
    } catch (e) {
      if (attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('SwarmRuntime on a three-node swarm', () => {
  const sut = swarmRuntime(prefix);
  afterAll(() => removeServices(prefix));

  it('lets exactly one of concurrent claims of one pool service win', async () => {
    const pool = await sut.start(spec('pool-race'));
    const claims = await Promise.allSettled(['r1', 'r2', 'r3', 'r4'].map((n) => sut.claim(pool.id, spec(n).name)));
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    for (const c of claims.filter((x) => x.status === 'rejected')) expect(c.reason).toBeInstanceOf(ContainerNotFoundError);
    const owners = (await sut.list(labels)).filter((c) => c.id === pool.id);
    expect(owners).toHaveLength(1);
    const winner = ['r1', 'r2', 'r3', 'r4'][claims.findIndex((c) => c.status === 'fulfilled')];
    expect(owners[0]).toMatchObject({ name: spec(winner).name, running: true });
    // The losers' name locks were given back: their names are free again.
    for (const n of ['r1', 'r2', 'r3', 'r4'].filter((x) => x !== winner)) expect(await sut.inspect(spec(n).name)).toBeNull();
    // A claim only relabels the service: the same task keeps running (no restart, no data lost).
    const [task] = onNode(NODES[0], ['service', 'ps', '-q', pool.id]).split('\n');
    expect(onNode(NODES[0], ['inspect', '-f', '{{.Status.State}}', task])).toBe('running');
  });

  it('spreads sandboxes over all three nodes, and a user can run SQL in one on a worker', async () => {
    const started = await Promise.all(['s1', 's2', 's3', 's4', 's5', 's6'].map((n) => sut.start(spec(n))));
    expect(new Set(started.map((s) => s.node))).toEqual(new Set(NODES));
    const onWorker = started.find((s) => s.node !== NODES[0])!;
    const { node, id } = taskContainer(onWorker);
    // Peer authentication: the container's postgres user is the superuser `postgres`. A running
    // task is not yet a listening Postgres: ask until it answers (bounded), as the fleet does.
    const psql = () => onNode(node, ['exec', '-u', '999', id, 'psql', '-U', 'postgres', '-d', 'sandbox', '-Atc', 'select 40 + 2']);
    expect(await untilAnswers(psql)).toBe('42');
    // The hardening a service spec carries.
    const host = onNode(node, [
      'inspect',
      '-f',
      '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.PidsLimit}} {{.HostConfig.Memory}} {{.Config.User}}',
      id,
    ]);
    expect(host).toBe(`true [ALL] 64 ${256 * 2 ** 20} 999:999`);
    expect(onNode(node, ['exec', id, 'sh', '-c', 'grep NoNewPrivs /proc/1/status'])).toMatch(/NoNewPrivs:\s+1/);
    await Promise.all(started.map((s) => sut.remove(s.id)));
  });

  it('keeps sandboxes where SANDBOX_PLACEMENT says', async () => {
    const placed = swarmRuntime(prefix, { SANDBOX_PLACEMENT: 'node.labels.pgsbx.node==3' });
    const started = await Promise.all(['p1', 'p2'].map((n) => placed.start(spec(n))));
    expect(started.map((s) => s.node)).toEqual([NODES[2], NODES[2]]);
    await Promise.all(started.map((s) => placed.remove(s.id)));
  });

  it('reports a sandbox whose task dies, with its exit code', async () => {
    const victim = await sut.start(spec('victim'));
    const died = firstValueFrom(sut.events(labels).pipe(filter((e) => e.kind === 'die' && e.id === victim.id)));
    // Let the poller take its first look before the kill.
    await firstValueFrom(sut.events(labels).pipe(filter((e) => e.kind === 'resync')));
    const { node, id } = taskContainer(victim);
    // Its Postgres log, fetched by the manager from the node it runs on.
    expect(
      await untilAnswers(async () => {
        const log = await sut.logs(victim.id, 50);
        if (!/ready to accept connections/.test(log)) throw new Error(log);
        return log;
      }),
    ).toMatch(/ready to accept connections/);
    onNode(node, ['kill', id]);
    expect(await died).toMatchObject({ kind: 'die', name: victim.name, exitCode: 137 });
    expect(await sut.inspect(victim.id)).toMatchObject({ running: false, exitReason: 'exit 137' });
  });

  it('hands each sandbox a secret of its own (key, certificate, verifiers), which goes when the sandbox goes', async () => {
    const sandboxSecrets = (name: string) =>
      onNode(NODES[0], ['secret', 'ls', '--format', '{{.Name}}', '--filter', `label=pgsbx.secret-of=${name}`])
        .split('\n')
        .filter(Boolean);
    const a = await sut.start(spec('secret-a'));
    const b = await sut.start(spec('secret-b'));
    expect(sandboxSecrets(a.name)).toHaveLength(1);
    expect(sandboxSecrets(b.name)).toHaveLength(1);
    expect(a.endpoint).toMatchObject({ kind: 'tcp', host: a.name, port: 5432 });
    expect(b.endpoint.kind === 'tcp' && a.endpoint.kind === 'tcp' && b.endpoint.servername !== a.endpoint.servername).toBe(true);
    // Mounted read-only for postgres alone, in the task's own tmpfs.
    const { node, id } = taskContainer(a);
    expect(onNode(node, ['exec', id, 'stat', '-c', '%u %a', '/run/secrets/pgsbx-sandbox'])).toBe('999 400');
    await sut.remove(a.id);
    await sut.release(b.id); // a cold-started sandbox's name goes with its service, and so does its secret
    expect(sandboxSecrets(a.name)).toEqual([]);
    expect(sandboxSecrets(b.name)).toEqual([]);
  });

  it('sweeps secrets a crash left without a service, and only those', async () => {
    const kept = await sut.start(spec('prune-kept'));
    // A controller that died between `secret create` and `service create` leaves exactly this.
    onNode(
      NODES[0],
      [
        'secret',
        'create',
        '--label',
        `pgsbx.prefix=${prefix}`,
        '--label',
        `pgsbx.secret-of=${prefix}-crashed`,
        `${prefix}-crashed-tls`,
        '-',
      ],
      'x',
    );
    const secrets = () =>
      onNode(NODES[0], ['secret', 'ls', '--format', '{{.Name}}', '--filter', `label=pgsbx.prefix=${prefix}`])
        .split('\n')
        .filter(Boolean);
    expect(secrets()).toContain(`${prefix}-crashed-tls`);
    // Too new to be sure of: a start in progress makes its secret just before its service.
    expect(await sut.pruneLeftovers(labels, new Date(Date.now() - 60_000))).toBe(0);
    expect(await sut.pruneLeftovers(labels, new Date(Date.now() + 1000))).toBe(1);
    expect(secrets()).not.toContain(`${prefix}-crashed-tls`);
    expect(secrets().filter((n) => n.startsWith(`${kept.name}-tls-`))).toHaveLength(1); // a live sandbox's secret stays
    await sut.remove(kept.id);
  });
});
