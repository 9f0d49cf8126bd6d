import { fleetFixture } from '../../test/support/fleet-fixture';
import { DeathNotices } from './death-notices';
import { FleetStats } from './fleet-stats';
import { Provisioner } from './provisioner';
import { Retirement } from './retirement';
import { SandboxRegistry } from './sandbox-registry';

async function makeRetirement(env: Record<string, string> = {}) {
  const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', ...env });
  return { ...f, sut: f.get(Retirement), provisioner: f.get(Provisioner), registry: f.get(SandboxRegistry) };
}

describe(Retirement.name, () => {
  it('frees the name at once, removes the container in the background and counts the reason', async () => {
    const { sut, provisioner, registry, runtime, get, settled } = await makeRetirement();
    const sb = await provisioner.provision('p-u-a', 'a');
    const release = jest.spyOn(runtime, 'release');
    await sut.retire(sb.containerId, sb, 'admin');
    expect(release).toHaveBeenCalledWith(sb.containerId);
    expect(await runtime.inspect('p-u-a')).toBeNull();
    expect(registry.get('p-u-a')).toBeUndefined();
    expect(sb).toMatchObject({ gone: true, endedBecause: 'was removed by an operator' });
    await settled();
    expect(runtime.names()).toEqual([]);
    expect(get(FleetStats).snapshot().reaps).toEqual({ admin: 1 });
  });

  it('does not mind a container that is already gone', async () => {
    const { sut, provisioner, runtime } = await makeRetirement();
    const sb = await provisioner.provision('p-u-a', 'a');
    await runtime.remove(sb.containerId);
    await expect(sut.retire(sb.containerId, sb, 'idle')).resolves.toBeUndefined();
  });

  it('markDead says why, once, to the sessions and to the next exec', async () => {
    const { sut, provisioner, runtime, get, settled } = await makeRetirement({ SANDBOX_MEMORY: '256m' });
    const sb = await provisioner.provision('p-u-a', 'a');
    sut.markDead(sb, 'oom');
    sut.markDead(sb, 'exit 1');
    await settled();
    expect(sb.endedBecause).toBe('ran out of memory at its limit of 256 MB and was replaced');
    expect(get(DeathNotices).take('p-u-a')?.reason).toBe(
      'your previous sandbox ran out of memory at its limit of 256 MB and was replaced with a fresh one',
    );
    expect(runtime.names()).toEqual([]);
    expect(get(FleetStats).snapshot().reaps).toEqual({ died: 1 });
  });

  it('names an unstoppable statement and its detail', async () => {
    const { sut, provisioner } = await makeRetirement();
    const sb = await provisioner.provision('p-u-a', 'a');
    sut.markDead(sb, 'unstoppable', 'too many connections');
    expect(sb.endedBecause).toBe("refused the controller's connection to stop a statement (too many connections) and was replaced");
  });
});
