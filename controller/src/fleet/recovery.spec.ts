import { fleetFixture } from '../../test/support/fleet-fixture';
import { FakeRuntime } from '../../test/support/fakes';
import { DeathNotices } from './death-notices';
import { Provisioner } from './provisioner';
import { Recovery } from './recovery';
import { SandboxRegistry } from './sandbox-registry';
import { WarmPool } from './warm-pool';

const spec = (name: string) => ({ name, image: 'x', labels: { 'pgsbx.prefix': 'p' }, memoryBytes: 1, dataBytes: 1, cpus: 1, pidsLimit: 1 });

async function makeRecovery(env: Record<string, string> = {}, runtime?: FakeRuntime) {
  const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', ...env }, { runtime });
  return { ...f, sut: f.get(Recovery), registry: f.get(SandboxRegistry), pool: f.get(WarmPool), deaths: f.get(DeathNotices) };
}

describe(Recovery.name, () => {
  it('adopts running user and pool containers, tells the owner of a stopped one, then opens the pool', async () => {
    const runtime = new FakeRuntime();
    await runtime.start(spec('p-u-ada'));
    await runtime.start(spec('p-pool-aaaa'));
    await runtime.start(spec('p-u-gone'));
    runtime.byName('p-u-gone')!.running = false;
    runtime.byName('p-u-gone')!.exitReason = 'exit 1';
    const { sut, registry, pool, deaths, settled } = await makeRecovery({ SANDBOX_WARM_POOL: '2' }, runtime);
    expect(sut.recovered).toBe(false);
    await sut.recover();
    expect(sut.recovered).toBe(true);
    expect(registry.get('p-u-ada')).toMatchObject({ source: 'adopted', userId: 'ada' });
    expect(deaths.take('p-u-gone')?.reason).toMatch(/not running: exit 1.*its data is gone/);
    await settled();
    expect(pool.status.ready).toBe(2); // the adopted one and one started
    expect(runtime.names().filter((n) => n.startsWith('p-u-'))).toEqual(['p-u-ada']);
  });

  it('removes pool containers of an outdated image instead of adopting them', async () => {
    const runtime = new FakeRuntime();
    const old = await runtime.start(spec('p-pool-old'));
    runtime.imageRef = 'sha256:image-2';
    const { sut, pool } = await makeRecovery({}, runtime);
    await sut.recover();
    expect(pool.containerIds()).toEqual([]);
    expect(runtime.containers.has(old.id)).toBe(false);
  });

  it('runs together with concurrent callers: one recovery at a time', async () => {
    const { sut, runtime } = await makeRecovery();
    let lists = 0;
    const list = runtime.list.bind(runtime);
    runtime.list = (labels) => (lists++, list(labels));
    await Promise.all([sut.recover(), sut.recover()]);
    expect(lists).toBe(1);
  });

  it('reconcile drops sandboxes whose containers stopped or paused, and says which', async () => {
    const { sut, get, runtime, deaths, settled } = await makeRecovery();
    const provisioner = get(Provisioner);
    const stopped = await provisioner.provision('p-u-a', 'a');
    const paused = await provisioner.provision('p-u-b', 'b');
    Object.assign(runtime.containers.get(stopped.containerId)!, { running: false, exitReason: 'exit 2' });
    Object.assign(runtime.containers.get(paused.containerId)!, { running: false, exitReason: 'paused' });
    await sut.reconcile();
    await settled();
    expect(deaths.take('p-u-a')?.reason).toMatch(/stopped \(exit 2\)/);
    expect(deaths.take('p-u-b')?.reason).toMatch(/did not respond \(paused or stuck\)/);
    expect(runtime.names()).toEqual([]);
  });

  it('reconcile removes stopped leftovers once they are past the start bound, not before', async () => {
    const { sut, runtime, clock, settled } = await makeRecovery({ SANDBOX_READY_TIMEOUT: '30s' });
    const leftover = await runtime.start(spec('p-pool-left'));
    Object.assign(runtime.containers.get(leftover.id)!, { running: false, createdAt: new Date(clock.now()) });
    await sut.reconcile();
    await settled();
    expect(runtime.containers.has(leftover.id)).toBe(true);
    clock.advance(41_000);
    await sut.reconcile();
    await settled();
    expect(runtime.containers.has(leftover.id)).toBe(false);
  });

  it('untilAdopted returns once this user’s adoption is done', async () => {
    const runtime = new FakeRuntime();
    await runtime.start(spec('p-u-ida'));
    const { sut, registry } = await makeRecovery({}, runtime);
    void sut.recover();
    await sut.untilAdopted('p-u-ida');
    expect(registry.get('p-u-ida')?.source).toBe('adopted');
    await expect(sut.untilAdopted('p-u-nobody')).resolves.toBeUndefined();
  });
});
