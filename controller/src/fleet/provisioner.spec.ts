import { fleetFixture } from '../../test/support/fleet-fixture';
import { FakeConnector } from '../../test/support/fakes';
import { CapacityError, DrainingError } from '../domain/errors';
import { DeathNotices } from './death-notices';
import { FleetStats } from './fleet-stats';
import { Provisioner } from './provisioner';
import { SandboxRegistry } from './sandbox-registry';
import { WarmPool } from './warm-pool';

const spec = (name: string) => ({ name, image: 'x', labels: { 'pgsbx.prefix': 'p' }, memoryBytes: 1, dataBytes: 1, cpus: 1, pidsLimit: 1 });

/** A Postgres that refuses every connection the way a full server does (not "still starting"). */
class RefusingConnector extends FakeConnector {
  override async connect(): Promise<never> {
    throw Object.assign(new Error('too many connections'), { code: '53300' });
  }
}

async function makeProvisioner(env: Record<string, string> = {}, connector?: FakeConnector) {
  const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', ...env }, { connector });
  return { ...f, sut: f.get(Provisioner), registry: f.get(SandboxRegistry), pool: f.get(WarmPool) };
}

describe(Provisioner.name, () => {
  it('claims a pool container by renaming it to the user name, with its warm connection', async () => {
    const { sut, pool, registry, settled } = await makeProvisioner({ SANDBOX_WARM_POOL: '1' });
    pool.openForRefill();
    pool.refill();
    await settled();
    const sb = await sut.provision('p-u-ann', 'ann');
    expect(sb).toMatchObject({ name: 'p-u-ann', source: 'pool', userId: 'ann' });
    expect(sb.warmClient).toBeDefined();
    expect(registry.get('p-u-ann')).toBe(sb);
    expect(registry.isProvisioning('p-u-ann')).toBe(false);
  });

  it('starts cold when the pool is empty and records the latency', async () => {
    const { sut, runtime, get } = await makeProvisioner();
    const sb = await sut.provision('p-u-bea', 'bea');
    expect(sb.source).toBe('cold');
    expect(runtime.names()).toEqual(['p-u-bea']);
    expect(get(FleetStats).snapshot().provisioningMs.cold.count).toBe(1);
  });

  it('refuses while draining', async () => {
    const { sut, pool } = await makeProvisioner();
    pool.setDraining(true);
    await expect(sut.provision('p-u-cy', 'cy')).rejects.toBeInstanceOf(DrainingError);
    await expect(sut.reset('p-u-cy', 'cy')).rejects.toBeInstanceOf(DrainingError);
  });

  it('refuses with CapacityError at the cap when every sandbox is busy', async () => {
    const { sut, registry } = await makeProvisioner({ SANDBOX_MAX: '1' });
    registry.use(await sut.provision('p-u-a', 'a'), 0);
    await expect(sut.provision('p-u-b', 'b')).rejects.toBeInstanceOf(CapacityError);
  });

  it('reset replaces the container with a fresh one and tells the old one it was reset', async () => {
    const { sut, runtime, settled } = await makeProvisioner();
    const old = await sut.provision('p-u-dee', 'dee');
    const fresh = await sut.reset('p-u-dee', 'dee');
    await settled();
    expect(fresh.containerId).not.toBe(old.containerId);
    expect(old.endedBecause).toBe('was reset');
    expect(runtime.names()).toEqual(['p-u-dee']);
  });

  it('clears away a dead container that holds the name and starts afresh', async () => {
    const { sut, runtime, settled } = await makeProvisioner();
    const dead = await runtime.start(spec('p-u-eve'));
    runtime.byName('p-u-eve')!.running = false;
    const sb = await sut.provision('p-u-eve', 'eve');
    await settled();
    expect(sb.containerId).not.toBe(dead.id);
    expect(runtime.names()).toEqual(['p-u-eve']);
  });

  it('a running container that does not answer is retired and its user told why', async () => {
    const { sut, runtime, get, settled } = await makeProvisioner({}, new RefusingConnector());
    const info = await runtime.start(spec('p-u-fay'));
    expect(await sut.adopt(info, 'fay')).toBeNull();
    await settled();
    expect(runtime.names()).toEqual([]);
    expect(get(DeathNotices).take('p-u-fay')?.reason).toMatch(/could not be taken over .*too many connections/);
    expect(get(FleetStats).snapshot().reaps).toEqual({ unresponsive: 1 });
  });
});
