import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ApiAnswer, callApi, rows } from '../../src/cluster/deployed-api';
import { until } from '../../src/cluster/dind-cluster';
import { itKeepsUsersApartResetsAndHibernates } from './deployed-user-tests';

/**
 * deploy/compose.yaml, deployed with Debian's `docker-compose` (1.29; scripts/setup.sh --test
 * installs it) on the HOST engine, not the DinD swarm: the single-host deployment of the
 * controller image (docker runtime, its embedded control store, the archives volume), driven
 * through its published port as a user and an operator would. Its own project name, prefix and
 * port, so a developer's running controller (port 3000, prefix pgsbx) is never touched; afterAll
 * removes everything it made and checks that nothing is left.
 */
const project = `pgsbx-cmp${process.pid % 100000}`;
const prefix = project;
const jwtSecret = randomBytes(32).toString('hex');
const composeFile = join(__dirname, '../../../deploy/compose.yaml');
let port = 0;
const api = (method: string, path: string, user?: string, body?: unknown, role?: string, timeoutMs = 60_000): Promise<ApiAnswer> =>
  callApi({ base: `http://127.0.0.1:${port}`, jwtSecret }, method, path, { user, body, role, timeoutMs });
const exec = (user: string, sql: string) => api('POST', '/api/sandbox/exec', user, { sql });
/** /healthz's body while it answers 200, else undefined (for until()). */
const healthy = async () => {
  const h = await api('GET', '/healthz', undefined, undefined, undefined, 5000);
  return h.status === 200 ? (h.body as { status: string; startedAt: string }) : undefined;
};

const composeEnv = () => ({
  ...process.env,
  JWT_SECRET: jwtSecret,
  PGSBX_PORT: String(port),
  SANDBOX_PREFIX: prefix,
  CONTROLLER_IMAGE: process.env.CONTROLLER_IMAGE ?? 'pgsbx/controller',
  SANDBOX_IMAGE: process.env.SANDBOX_IMAGE ?? 'pgsbx/postgres:17',
});
const compose = (args: string[]) =>
  execFileSync('docker-compose', ['-p', project, '-f', composeFile, ...args], {
    env: composeEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const lines = (out: string) => out.split('\n').filter(Boolean);
const controllerId = () => compose(['ps', '-q', 'controller']);

function controllerLogs(): string {
  try {
    return compose(['logs', '--no-color', '--tail', '40', 'controller']);
  } catch (e) {
    return (e as Error).message;
  }
}

/** A port nothing listens on now, on loopback where compose.yaml publishes. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
}

describe('deploy/compose.yaml with docker-compose on the host engine', () => {
  beforeAll(async () => {
    port = await freePort();
    compose(['up', '-d']);
    await until('the controller answers /healthz', healthy, 120_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${controllerLogs()}`);
    });
  }, 180_000);

  afterAll(async () => {
    // The controller first (it would refill its pool; stopping it hibernates its users), with its
    // network and archives volume; then what it made through the socket: sandboxes (labelled with
    // the prefix, their socket volumes anonymous) and the embedded control store (`pgsbx.control`).
    try {
      compose(['down', '-v', '--timeout', '30']);
    } catch (e) {
      console.error(`docker-compose down: ${(e as Error).message}`);
    }
    const labels = [`label=pgsbx.prefix=${prefix}`, `label=pgsbx.control=${prefix}`, `label=com.docker.compose.project=${project}`];
    const containers = () => labels.flatMap((l) => lines(docker(['ps', '-aq', '--filter', l])));
    const volumes = () => labels.flatMap((l) => lines(docker(['volume', 'ls', '-q', '--filter', l])));
    const networks = () => lines(docker(['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`]));
    if (containers().length) docker(['rm', '-fv', ...new Set(containers())]);
    if (volumes().length) docker(['volume', 'rm', ...new Set(volumes())]);
    const left = { containers: containers(), volumes: volumes(), networks: networks() };
    expect(left).toEqual({ containers: [], volumes: [], networks: [] });
  }, 120_000);

  it('answers /healthz with its embedded control store, and refuses a request without a token', async () => {
    const h = await api('GET', '/healthz');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', docker: true, control: 'ok' });
    expect((await exec('', 'select 1')).status).toBe(401);
    // The control store is the docker runtime's own container, started through the socket.
    expect(docker(['ps', '--filter', `label=pgsbx.control=${prefix}`, '--format', '{{.Names}}'])).toBe(`${prefix}-control`);
  });

  it('runs hardened as the file says: read-only root, every capability dropped but DAC_OVERRIDE, no new privileges', () => {
    const host = JSON.parse(docker(['inspect', '-f', '{{json .HostConfig}}', controllerId()])) as Record<string, unknown>;
    expect({
      ReadonlyRootfs: host.ReadonlyRootfs,
      CapDrop: host.CapDrop,
      CapAdd: host.CapAdd,
      SecurityOpt: host.SecurityOpt,
      PidsLimit: host.PidsLimit,
      Memory: host.Memory,
      Tmpfs: host.Tmpfs,
      RestartPolicy: (host.RestartPolicy as { Name: string }).Name,
    }).toEqual({
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      CapAdd: ['DAC_OVERRIDE'],
      SecurityOpt: ['no-new-privileges:true'],
      PidsLimit: 256,
      Memory: 1024 ** 3,
      Tmpfs: { '/tmp': 'size=16m,noexec,nosuid,nodev' },
      RestartPolicy: 'unless-stopped',
    });
  });

  it('runs SQL for a user: a table created, a row inserted, the row read back', async () => {
    const res = await exec('alice', "create table notes (t text); insert into notes values ('hello'); select t from notes");
    expect(res.status).toBe(200);
    expect(rows(res.body[2])).toEqual([{ t: 'hello' }]);
  });

  // Bob apart from alice, reset, the reaper's hibernation into the archives volume and the wake.
  itKeepsUsersApartResetsAndHibernates(api, controllerLogs);

  it('a crashed controller is restarted by its restart policy and finds the running sandbox again', async () => {
    const before = (await healthy())!.startedAt;
    const pid = Number(docker(['inspect', '-f', '{{.State.Pid}}', controllerId()]));
    expect(pid).toBeGreaterThan(0);
    // SIGKILL from the host, as a crash would: `docker kill` counts as a manual stop, and
    // `unless-stopped` would then leave it down.
    process.kill(pid, 'SIGKILL');
    await until(
      'the controller back with a new start time',
      async () => {
        const now = await healthy(); // undefined while it is down: not yet
        return now && now.startedAt !== before ? true : undefined;
      },
      60_000,
    );
    expect(Number(docker(['inspect', '-f', '{{.RestartCount}}', controllerId()]))).toBeGreaterThanOrEqual(1);
    const res = await exec('carol', 'select count(*)::int as n from kept');
    expect(res.status).toBe(200);
    expect(rows(res.body[0])).toEqual([{ n: 1000 }]);
  });

  it("`docker-compose restart controller` (a graceful stop hibernates) keeps the user's data", async () => {
    compose(['restart', '--timeout', '30', 'controller']);
    await until('the controller answers /healthz again', healthy, 60_000);
    const res = await exec('carol', 'select count(*)::int as n from kept');
    expect(res.status).toBe(200);
    expect(rows(res.body[0])).toEqual([{ n: 1000 }]);
    // Saved on the way down into the archives volume, restored from it on the way up.
    expect(res.body[0].notices?.[0]?.message).toMatch(/^Restored your database as saved at /);
  });
});
