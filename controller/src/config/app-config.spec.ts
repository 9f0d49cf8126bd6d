import { ConfigError, loadConfig } from './app-config';

describe(loadConfig.name, () => {
  it('has defaults that work locally, with dev login on and a generated key', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, warmPool: 2, maxSandboxes: 50, idleTimeoutMs: 900_000, devLogin: true });
    expect(c.jwtSecret).toHaveLength(64);
  });

  it('turns dev login off in production and then requires JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET.*must be set/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).devLogin).toBe(false);
  });

  it('reads ALLOWED_HOSTS as lower-case names and refuses what is not a host name', () => {
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(loadConfig({ ALLOWED_HOSTS: ' Sandbox.Example.com, box.lan., [fd00::1] ' }).allowedHosts).toEqual([
      'sandbox.example.com',
      'box.lan',
      '[fd00::1]',
    ]);
    expect(() => loadConfig({ ALLOWED_HOSTS: 'ok.example, evil.example:3000' })).toThrow(
      /ALLOWED_HOSTS=.*"evil.example:3000" is not a host name/,
    );
    expect(() => loadConfig({ ALLOWED_HOSTS: '*' })).toThrow(/ALLOWED_HOSTS/);
  });

  it('keeps the docker runtime by default and reads the swarm settings, refusing bad ones', () => {
    expect(loadConfig({})).toMatchObject({ runtime: 'docker', dockerHost: 'unix:///var/run/docker.sock', placement: [] });
    const c = loadConfig({
      SANDBOX_RUNTIME: 'swarm',
      SANDBOX_DOCKER_HOST: 'unix:///run/pgsbx-cluster/manager.sock',
      SANDBOX_PLACEMENT: 'node.labels.pgsbx.node!=1, node.role==worker',
      CONTROL_DATABASE_URL: 'postgres://control.example/pgsbx',
    });
    expect(c).toMatchObject({
      runtime: 'swarm',
      placement: ['node.labels.pgsbx.node!=1', 'node.role==worker'],
      swarmNetwork: 'pgsbx-sandboxes',
    });
    expect(() => loadConfig({ SANDBOX_RUNTIME: 'swarm' })).toThrow(/CONTROL_DATABASE_URL: must be set with SANDBOX_RUNTIME=swarm/);
    expect(() => loadConfig({ SANDBOX_RUNTIME: 'kubernetes' })).toThrow(/SANDBOX_RUNTIME="kubernetes": expected docker or swarm/);
    expect(() => loadConfig({ SANDBOX_DOCKER_HOST: 'ssh://box' })).toThrow(/SANDBOX_DOCKER_HOST/);
    expect(() => loadConfig({ SANDBOX_PLACEMENT: 'node.role=manager' })).toThrow(/SANDBOX_PLACEMENT=.*is not a constraint/);
  });

  it('names every bad variable in one message', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', SANDBOX_IDLE_TIMEOUT: 'soon', SANDBOX_MEMORY: '1m' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/PORT="eighty"/);
    expect(msg).toMatch(/SANDBOX_IDLE_TIMEOUT="soon"/);
    expect(msg).toMatch(/SANDBOX_MEMORY="1m"/);
  });

  it('bounds a whole request by SANDBOX_REQUEST_TIMEOUT', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(60_000);
    expect(loadConfig({ SANDBOX_REQUEST_TIMEOUT: '90s' }).requestTimeoutMs).toBe(90_000);
    expect(() => loadConfig({ SANDBOX_REQUEST_TIMEOUT: 'forever' })).toThrow(/SANDBOX_REQUEST_TIMEOUT="forever"/);
  });
});
