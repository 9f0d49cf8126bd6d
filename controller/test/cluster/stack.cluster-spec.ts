import { MANAGER, onNode, until } from '../../src/cluster/dind-cluster';
import { rows } from '../../src/cluster/deployed-api';
import { StackDeployment } from '../../src/cluster/stack-deployment';
import { itKeepsUsersApartResetsAndHibernates } from './deployed-user-tests';

/**
 * deploy/stack.yaml, deployed with `docker stack deploy` on the DinD manager: the controller in a
 * container on the manager (the manager's engine through its socket), its control store, the
 * sandboxes on the internal overlay reached over TLS + SCRAM; the fleet end to end through the
 * controller's HTTP API, from the host, as a user would reach it.
 */
const stack = new StackDeployment({
  name: `pgsbx-st${process.pid % 100000}`,
  port: 13000 + (process.pid % 1000),
  controlSubnet: '10.231.254.0/24',
  sandboxSubnet: '10.233.0.0/20',
  env: { SANDBOX_WARM_POOL: '1' },
});
const api = stack.api.bind(stack);
const exec = (user: string, sql: string) => api('POST', '/api/sandbox/exec', user, { sql });
const controllerLogs = () => stack.controllerLogs();
const manager = MANAGER;
const sandboxImage = stack.sandboxImage;

/**
 * Runs a shell command in a throwaway container on the stack's overlay. Attaching a standalone
 * container to an overlay now and then fails on its first try (docker run's own exit code 125):
 * that is tried again; anything the command itself does is the probe's answer.
 */
function probeFromOverlay(script: string): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return onNode(manager, ['run', '--rm', '--network', `${stack.name}-sandboxes`, '--entrypoint', 'sh', sandboxImage, '-c', script]);
    } catch (e) {
      const err = e as { status?: number; stderr?: string };
      if (err.status !== 125 || attempt >= 3) throw new Error(`the probe failed (exit ${err.status}): ${err.stderr ?? ''}`, { cause: e });
    }
  }
}

describe('deploy/stack.yaml on the three-node swarm', () => {
  beforeAll(() => stack.deploy(), 180_000);
  afterAll(() => stack.remove(), 150_000);

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

  // Bob apart from alice, reset, the reaper (pg_dump over TLS beside the controller) and the wake.
  itKeepsUsersApartResetsAndHibernates(api, controllerLogs);

  it("no sandbox reaches the controller's API: connections from the overlay are closed unanswered", async () => {
    const ctl = stack.controllerContainer();
    const onOverlay = onNode(manager, [
      'inspect',
      '-f',
      `{{ (index .NetworkSettings.Networks "${stack.name}-sandboxes").IPAddress }}`,
      ctl,
    ]);
    expect(onOverlay).toMatch(/^10\.233\./);
    // A container on the sandboxes' overlay (it is attachable), as a sandbox's own process would be.
    // In a subshell: a connection closed or refused at once fails bash's `exec`, which would end the
    // probe before it reports; either way no HTTP answer may come back.
    const probe = `bash -c '(exec 3<>/dev/tcp/${onOverlay}/3000 && printf "GET /healthz HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3) 2>&1; echo "[exit $?]"'`;
    const out = probeFromOverlay(probe);
    expect(out).not.toMatch(/HTTP\/1/);
    expect(out).toMatch(/\[exit \d+\]$/); // the probe ran to its end
    // The same request from outside, through the published port, is answered.
    expect((await api('GET', '/healthz')).status).toBe(200);
  });
});
