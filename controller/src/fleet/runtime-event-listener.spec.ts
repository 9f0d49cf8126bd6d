import { fleetFixture } from '../../test/support/fleet-fixture';
import { DeathNotices } from './death-notices';
import { Provisioner } from './provisioner';
import { Recovery } from './recovery';
import { RuntimeEventListener } from './runtime-event-listener';
import { WarmPool } from './warm-pool';

async function makeListener(env: Record<string, string> = {}) {
  const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', SANDBOX_MEMORY: '256m', ...env });
  return { ...f, sut: f.get(RuntimeEventListener), provisioner: f.get(Provisioner), deaths: f.get(DeathNotices) };
}

describe(RuntimeEventListener.name, () => {
  it('a container that dies takes its sandbox with it, and the exit code is told', async () => {
    const { sut, provisioner, deaths, settled } = await makeListener();
    const sb = await provisioner.provision('p-u-a', 'a');
    sut.handle({ kind: 'die', id: sb.containerId, name: sb.name, exitCode: 3 });
    await settled();
    expect(sb.gone).toBe(true);
    expect(deaths.take('p-u-a')?.reason).toMatch(/stopped \(exit 3\)/);
  });

  it('a death the runtime can explain (a swarm node gone) is told in its words', async () => {
    const { sut, provisioner, deaths, settled } = await makeListener();
    const sb = await provisioner.provision('p-u-a', 'a');
    sut.handle({ kind: 'die', id: sb.containerId, name: sb.name, reason: 'its node worker-3 went down' });
    await settled();
    expect(deaths.take('p-u-a')?.reason).toMatch(/^your previous sandbox stopped \(its node worker-3 went down\) and was replaced/);
  });

  it('an OOM event before the death makes it an out-of-memory death', async () => {
    const { sut, provisioner, deaths } = await makeListener();
    const sb = await provisioner.provision('p-u-a', 'a');
    sut.handle({ kind: 'oom', id: sb.containerId, name: sb.name });
    expect(sb.endedBecause).toMatch(/ran out of memory at its limit of 256 MB/);
    sut.handle({ kind: 'die', id: sb.containerId, name: sb.name, exitCode: 137 });
    expect(deaths.take('p-u-a')?.reason).toMatch(/ran out of memory/);
  });

  it('a pool container that dies leaves the pool, which refills', async () => {
    const { sut, get, runtime, settled } = await makeListener({ SANDBOX_WARM_POOL: '1' });
    const pool = get(WarmPool);
    pool.openForRefill();
    pool.refill();
    await settled();
    const [id] = pool.containerIds();
    sut.handle({ kind: 'die', id, name: runtime.containers.get(id)!.name, exitCode: 1 });
    await settled();
    expect(pool.containerIds()).toHaveLength(1);
    expect(pool.containerIds()).not.toContain(id);
  });

  it('on resync after recovery, reconciles: a sandbox whose container stopped unseen is dropped', async () => {
    const { sut, provisioner, runtime, get, settled } = await makeListener();
    const sb = await provisioner.provision('p-u-a', 'a');
    runtime.containers.get(sb.containerId)!.running = false;
    sut.handle({ kind: 'resync', id: '', name: '' });
    await settled();
    expect(sb.gone).toBe(false); // not recovered yet: nothing to compare with
    await get(Recovery).recover();
    sut.handle({ kind: 'resync', id: '', name: '' });
    await settled();
    expect(sb.gone).toBe(true);
  });

  it('checkAlive asks the engine when a session lost its connection', async () => {
    const { sut, provisioner, runtime } = await makeListener();
    const sb = await provisioner.provision('p-u-a', 'a');
    expect(await sut.checkAlive(sb)).toBe(false);
    runtime.containers.get(sb.containerId)!.oomKilled = true;
    expect(await sut.checkAlive(sb)).toBe(true);
    expect(sb.endedBecause).toMatch(/ran out of memory/);
    expect(await sut.checkAlive(sb)).toBe(true);
  });
});
