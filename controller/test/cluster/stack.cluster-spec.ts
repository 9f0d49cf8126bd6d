import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { NODES, loadImage, managerAddress, onNode } from './cluster';

/**
 * deploy/stack.yaml, deployed with `docker stack deploy` on the DinD manager: the controller in a
 * container on the manager (the manager's engine through its socket), its control store, the
 * sandboxes on the internal overlay reached over TLS + SCRAM; the fleet end to end through the
 * controller's HTTP API, from the host, as a user would reach it.
 */
const stack = `pgsbx-st${process.pid % 100000}`;
const prefix = stack;
const port = 13000 + (process.pid % 1000);
const jwtSecret = randomBytes(32).toString('hex');
const controllerImage = process.env.CONTROLLER_IMAGE ?? 'pgsbx/controller';
const sandboxImage = process.env.SANDBOX_IMAGE ?? 'pgsbx/postgres:17';
const manager = NODES[0];
let base = '';

const token = (user: string, role = 'pro') => sign({ sub: user, role }, jwtSecret, { algorithm: 'HS256', expiresIn: '1h' });
async function api(method: string, path: string, user?: string, body?: unknown, role?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(user ? { authorization: `Bearer ${token(user, role)}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
const exec = (user: string, sql: string) => api('POST', '/api/sandbox/exec', user, { sql });
const rows = (r: SandboxResult | undefined) => (r as RowsResult | undefined)?.rows;
const errorOf = (r: SandboxResult | undefined) => (r as ErrorResult | undefined)?.error;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (${(last as Error | undefined)?.message ?? 'no answer'})`);
}

function controllerLogs(): string {
  try {
    return onNode(manager, ['service', 'logs', '--tail', '40', `${stack}_controller`]);
  } catch (e) {
    return (e as Error).message;
  }
}

describe('deploy/stack.yaml on the three-node swarm', () => {
  beforeAll(async () => {
    loadImage(manager, controllerImage);
    execFileSync('docker', ['exec', '-i', manager, 'sh', '-c', 'cat > /tmp/stack.yaml'], {
      input: readFileSync(join(__dirname, '../../../deploy/stack.yaml')),
    });
    const env = {
      JWT_SECRET: jwtSecret,
      CONTROL_PASSWORD: randomBytes(24).toString('hex'),
      CONTROLLER_IMAGE: controllerImage,
      SANDBOX_IMAGE: sandboxImage,
      SANDBOX_NETWORK: `${stack}-sandboxes`,
      CONTROL_SUBNET: '10.231.254.0/24',
      SANDBOX_SUBNET: '10.233.0.0/20',
      SANDBOX_PREFIX: prefix,
      SANDBOX_WARM_POOL: '1',
      PGSBX_PORT: String(port),
    };
    execFileSync(
      'docker',
      [
        'exec',
        ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
        manager,
        'docker',
        'stack',
        'deploy',
        '-c',
        '/tmp/stack.yaml',
        stack,
      ],
      {
        stdio: 'pipe',
      },
    );
    base = `http://${managerAddress()}:${port}`;
    await until(
      'the controller answers /healthz',
      async () => ((await api('GET', '/healthz')).status === 200 ? true : undefined),
      120_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${controllerLogs()}`);
    });
  }, 180_000);

  afterAll(async () => {
    const ls = (what: string, filter: string) => onNode(manager, [what, 'ls', '-q', '--filter', filter]).split('\n').filter(Boolean);
    const quietly = (args: string[]) => execFileSync('docker', ['exec', manager, 'docker', ...args], { stdio: 'ignore' });
    // The controller first (it would refill its pool), then its sandboxes (services of their own,
    // not the stack's, on the stack's overlay), then the stack, its secrets, volumes and overlay.
    quietly(['service', 'rm', `${stack}_controller`]);
    const sandboxes = ls('service', `label=pgsbx.prefix=${prefix}`);
    if (sandboxes.length) quietly(['service', 'rm', ...sandboxes]);
    quietly(['stack', 'rm', stack]);
    // Gone from every node, not only from the manager: the next tests count tasks per node.
    const leftOn = (node: string) =>
      onNode(node, ['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`]) +
      onNode(node, ['ps', '-aq', '--filter', `label=pgsbx.prefix=${prefix}`]);
    await until('the stack and its sandboxes are gone', async () => (NODES.some(leftOn) ? undefined : true), 90_000);
    const secrets = ls('secret', `label=pgsbx.prefix=${prefix}`);
    if (secrets.length) quietly(['secret', 'rm', ...secrets]);
    for (const args of [
      ['network', 'rm', `${stack}-sandboxes`],
      ...['ca', 'archives', 'control-data'].map((v) => ['volume', 'rm', `${stack}_${v}`]),
    ]) {
      try {
        quietly(args);
      } catch {
        /* gone with the stack already (or a worker's: cluster:down removes the nodes' volumes) */
      }
    }
  }, 150_000);

  it('runs SQL for a user in a sandbox on the swarm, over TLS, from the pool', async () => {
    await until(
      'a warm pool entry',
      async () => ((await api('GET', '/api/admin/pool', 'ops', undefined, 'admin')).body.ready >= 1 ? true : undefined),
      60_000,
    );
    const res = await exec('alice', "create table notes (t text); insert into notes values ('hello'); select t from notes");
    expect(res.status).toBe(200);
    expect(rows(res.body[2])).toEqual([{ t: 'hello' }]);
    const admin = await api('GET', '/api/admin/sandboxes', 'ops', undefined, 'admin');
    expect(admin.status).toBe(200);
    const mine = (admin.body as { user: string; source: string }[]).find((s) => s.user === 'alice');
    expect(mine?.source).toBe('pool');
    // The server really is reached over TLS with SCRAM, as the sandbox role.
    const conn = await exec('alice', 'select ssl, version from pg_stat_ssl where pid = pg_backend_pid()');
    expect(rows(conn.body[0])).toEqual([{ ssl: true, version: 'TLSv1.3' }]);
  });

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

  it('the reaper hibernates an idle sandbox (pg_dump over TLS beside the controller), and the next exec wakes it with its data', async () => {
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

  it("no sandbox reaches the controller's API: connections from the overlay are closed unanswered", async () => {
    const ctl = onNode(manager, ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack}_controller`]);
    const onOverlay = onNode(manager, ['inspect', '-f', `{{ (index .NetworkSettings.Networks "${stack}-sandboxes").IPAddress }}`, ctl]);
    expect(onOverlay).toMatch(/^10\.233\./);
    // A container on the sandboxes' overlay (it is attachable), as a sandbox's own process would be.
    const probe = `bash -c 'exec 3<>/dev/tcp/${onOverlay}/3000 && printf "GET /healthz HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3; echo "[exit $?]"'`;
    const out = onNode(manager, ['run', '--rm', '--network', `${stack}-sandboxes`, '--entrypoint', 'sh', sandboxImage, '-c', probe]);
    expect(out).not.toMatch(/HTTP\/1/);
    expect(out).toMatch(/\[exit \d+\]$/); // the probe ran to its end
    // The same request from outside, through the published port, is answered.
    expect((await api('GET', '/healthz')).status).toBe(200);
  });
});
