import { fleetFixture } from '../../test/support/fleet-fixture';
import { Provisioner } from './provisioner';
import { Reaper } from './reaper';
import { SandboxRegistry } from './sandbox-registry';

async function makeReaper(env: Record<string, string> = {}) {
  const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', ...env });
  return { ...f, sut: f.get(Reaper), provisioner: f.get(Provisioner), registry: f.get(SandboxRegistry) };
}

describe(Reaper.name, () => {
  it('lists idle sandboxes on a dry run and removes them otherwise; a busy one never', async () => {
    const { sut, provisioner, registry, runtime, clock, settled } = await makeReaper({ SANDBOX_IDLE_TIMEOUT: '10m' });
    await provisioner.provision('p-u-idle', 'idle');
    registry.use(await provisioner.provision('p-u-busy', 'busy'), clock.now());
    clock.advance(10 * 60_000);

    expect(await sut.sweep({ dryRun: true })).toEqual([{ userId: 'idle', container: 'p-u-idle', reason: 'idle', idleMs: 600_000 }]);
    expect(runtime.names()).toEqual(['p-u-busy', 'p-u-idle']);
    await sut.sweep();
    await settled();
    expect(runtime.names()).toEqual(['p-u-busy']);
  });

  it('takes an idle limit from the caller (the admin API)', async () => {
    const { sut, provisioner, clock } = await makeReaper();
    await provisioner.provision('p-u-a', 'a');
    clock.advance(1000);
    expect(await sut.sweep({ dryRun: true })).toEqual([]);
    expect((await sut.sweep({ dryRun: true, idleMs: 1000 })).map((c) => c.reason)).toEqual(['idle']);
  });

  it('replaces a sandbox past its lifetime, once it is idle', async () => {
    const { sut, provisioner, registry, clock } = await makeReaper({ SANDBOX_IDLE_TIMEOUT: '2h', SANDBOX_MAX_LIFETIME: '1h' });
    const sb = await provisioner.provision('p-u-old', 'old');
    registry.use(sb, clock.now());
    clock.advance(61 * 60_000);
    expect(await sut.sweep({ dryRun: true })).toEqual([]);
    registry.release(sb, clock.now());
    expect((await sut.sweep()).map((c) => c.reason)).toEqual(['lifetime']);
    expect(sb.endedBecause).toBe('was replaced at the end of its lifetime; its database was saved and comes back on your next run');
  });
});
