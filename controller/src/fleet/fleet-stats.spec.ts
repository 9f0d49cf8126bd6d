import { fleetFixture } from '../../test/support/fleet-fixture';
import { FleetStats } from './fleet-stats';
import { Provisioner } from './provisioner';
import { SandboxRegistry } from './sandbox-registry';

describe(FleetStats.name, () => {
  it('reports sandboxes, pool, latency percentiles per source and removals by reason', async () => {
    const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', SANDBOX_MAX: '7' });
    const sut = f.get(FleetStats);
    f.get(SandboxRegistry).use(await f.get(Provisioner).provision('p-u-a', 'a'), 0);
    await f.get(Provisioner).provision('p-u-b', 'b');
    for (const ms of [10, 20, 30, 40]) sut.recordProvision('pool', ms);
    sut.countReap('idle');
    sut.countReap('idle');
    expect(sut.snapshot()).toEqual({
      sandboxes: 2,
      busy: 1,
      starting: 0,
      capacity: 7,
      pool: { target: 0, ready: 0, starting: 0, draining: false },
      provisioningMs: { pool: { count: 4, p50: 30, p95: 40 }, cold: { count: 2, p50: 0, p95: 0 } },
      reaps: { idle: 2 },
      image: f.config.image,
      imagePresent: false,
    });
    expect((await f.metrics.reaps.get()).values).toEqual([{ labels: { reason: 'idle' }, value: 2 }]);
  });
});
