import { fleetFixture } from '../../test/support/fleet-fixture';
import { FakeRuntime } from '../../test/support/fakes';
import { SandboxContainerSpec } from '../runtime/container-runtime';
import { CurrentImage } from './current-image';
import { WarmPool } from './warm-pool';

/** Fails the next `failures` starts. */
class FlakyRuntime extends FakeRuntime {
  failures = 0;
  override async start(spec: SandboxContainerSpec) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('engine said no');
    }
    return super.start(spec);
  }
}

async function makePool(env: Record<string, string> = {}, runtime?: FakeRuntime) {
  const f = await fleetFixture(env, { runtime });
  return { ...f, sut: f.get(WarmPool) };
}

describe(WarmPool.name, () => {
  it('fills to its target only once recovery has opened it', async () => {
    const { sut, runtime, settled } = await makePool({ SANDBOX_WARM_POOL: '2' });
    sut.refill();
    await settled();
    expect(runtime.names()).toEqual([]);
    sut.openForRefill();
    sut.refill();
    expect(sut.status).toEqual({ target: 2, ready: 0, starting: 2, draining: false });
    await settled();
    expect(sut.status).toEqual({ target: 2, ready: 2, starting: 0, draining: false });
    expect(runtime.names()).toEqual([expect.stringMatching(/^p-pool-/), expect.stringMatching(/^p-pool-/)]);
  });

  it('shrinks to a lower target by removing containers, and does not fill while draining', async () => {
    const { sut, runtime, settled } = await makePool({ SANDBOX_WARM_POOL: '2' });
    sut.openForRefill();
    sut.refill();
    await settled();
    sut.setTarget(1);
    await settled();
    expect(runtime.names()).toHaveLength(1);
    sut.setDraining(true);
    sut.setTarget(3);
    await settled();
    expect(runtime.names()).toHaveLength(1);
    expect(sut.status.draining).toBe(true);
    sut.setDraining(false);
    await settled();
    expect(runtime.names()).toHaveLength(3);
  });

  it('waits before starting again after a failed start', async () => {
    const runtime = new FlakyRuntime();
    runtime.failures = 1;
    const { sut, clock, settled } = await makePool({ SANDBOX_WARM_POOL: '1' }, runtime);
    sut.openForRefill();
    sut.refill();
    await settled();
    expect(sut.status.ready).toBe(0);
    sut.refill();
    await settled();
    expect(sut.status.ready).toBe(0);
    clock.advance(5000);
    sut.refill();
    await settled();
    expect(sut.status.ready).toBe(1);
  });

  it('hands out entries oldest first, skipping (and removing) ones of an outdated image', async () => {
    const { sut, runtime, get, settled } = await makePool({ SANDBOX_WARM_POOL: '2' });
    await get(CurrentImage).refresh();
    sut.openForRefill();
    sut.refill();
    await settled();
    const first = sut.take()!;
    expect(first.imageId).toBe('sha256:image-1');
    const [stale] = sut.containerIds();
    runtime.imageRef = 'sha256:image-2';
    await get(CurrentImage).refresh();
    expect(sut.take()).toBeUndefined();
    await settled();
    expect(runtime.containers.has(stale)).toBe(false);
  });

  it('puts back an entry it could not use, first in line', async () => {
    const { sut, settled } = await makePool({ SANDBOX_WARM_POOL: '2' });
    sut.openForRefill();
    sut.refill();
    await settled();
    const entry = sut.take()!;
    sut.putBack(entry);
    expect(sut.containerIds()[0]).toBe(entry.containerId);
  });

  it('drops entries whose containers died, and keeps them on stop for the next controller', async () => {
    const { sut, runtime, settled } = await makePool({ SANDBOX_WARM_POOL: '2' });
    sut.openForRefill();
    sut.refill();
    await settled();
    const [dead, alive] = sut.containerIds();
    expect(sut.dropWhere((e) => e.containerId === dead)).toBe(true);
    expect(sut.dropWhere(() => false)).toBe(false);
    await settled();
    expect(runtime.containers.has(dead)).toBe(false);
    await sut.stop();
    sut.refill();
    await settled();
    expect(runtime.containers.has(alive)).toBe(true);
    expect(sut.status.ready).toBe(1);
  });
});
