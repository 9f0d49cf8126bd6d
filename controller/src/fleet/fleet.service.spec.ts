import { CapacityError } from '../domain/errors';
import { fleetFixture } from '../../test/support/fleet-fixture';
import { FakeRuntime } from '../../test/support/fakes';
import { FleetService } from './fleet.service';

async function makeFleet(env: Record<string, string> = {}, runtime?: FakeRuntime) {
  const f = await fleetFixture(env, { runtime });
  const sut = f.get(FleetService);
  return { sut, runtime: f.runtime, clock: f.clock, config: f.config };
}

const flush = () => new Promise((r) => setImmediate(r));

async function settled(sut: FleetService) {
  for (let i = 0; i < 5; i++) {
    await flush();
    await sut.settle();
  }
}

describe(FleetService.name, () => {
  it('fills the warm pool and gives a new user a pool container, renamed to theirs', async () => {
    const { sut, runtime } = await makeFleet();
    await sut.onApplicationBootstrap();
    await settled(sut);
    expect(runtime.names()).toEqual([expect.stringMatching(/^p-pool-/), expect.stringMatching(/^p-pool-/)]);

    const sb = await sut.ensure('alice');
    expect(sb.source).toBe('pool');
    expect(sb.name).toBe('p-u-alice');
    await settled(sut);
    // The pool is refilled in the background.
    expect(runtime.names().filter((n) => n.startsWith('p-pool-'))).toHaveLength(2);
    expect(runtime.starts).toBe(3);
    await sut.onModuleDestroy();
  });

  it('starts a container cold when the pool is empty', async () => {
    const { sut, runtime } = await makeFleet({ SANDBOX_WARM_POOL: '0' });
    await sut.onApplicationBootstrap();
    const sb = await sut.ensure('bob');
    expect(sb.source).toBe('cold');
    expect(runtime.names()).toEqual(['p-u-bob']);
  });

  it('gives concurrent first requests of one user one container', async () => {
    const { sut, runtime } = await makeFleet({ SANDBOX_WARM_POOL: '0' });
    await sut.onApplicationBootstrap();
    const all = await Promise.all(Array.from({ length: 10 }, () => sut.acquire('carol')));
    expect(new Set(all.map((s) => s.containerId)).size).toBe(1);
    expect(runtime.names()).toEqual(['p-u-carol']);
  });

  it('adopts the container of a name another controller already holds', async () => {
    const { sut, runtime } = await makeFleet({ SANDBOX_WARM_POOL: '0' });
    await sut.onApplicationBootstrap();
    const other = await runtime.start({ name: 'p-u-dave', image: 'x', labels: {}, memoryBytes: 1, dataBytes: 1, cpus: 1, pidsLimit: 1 });
    const sb = await sut.ensure('dave');
    expect(sb.containerId).toBe(other.id);
    expect(runtime.starts).toBe(1);
  });

  it('reaps idle sandboxes, never busy ones, and lists without removing on a dry run', async () => {
    const { sut, runtime, clock } = await makeFleet({ SANDBOX_WARM_POOL: '0', SANDBOX_REAP_INTERVAL: '1d' });
    await sut.onApplicationBootstrap();
    const idle = await sut.acquire('idle');
    sut.release(idle);
    await sut.acquire('busy'); // never released: a statement is running
    clock.advance(11 * 60_000);

    const dry = await sut.sweep({ dryRun: true });
    expect(dry.map((c) => [c.userId, c.reason])).toEqual([['idle', 'idle']]);
    expect(runtime.names()).toEqual(['p-u-busy', 'p-u-idle']);

    await sut.sweep();
    await settled(sut);
    expect(runtime.names()).toEqual(['p-u-busy']);
    expect(sut.stats().reaps).toEqual({ idle: 1 });
  });

  it('sweeps on its own every SANDBOX_REAP_INTERVAL', async () => {
    const { sut, runtime, clock } = await makeFleet({ SANDBOX_WARM_POOL: '0', SANDBOX_IDLE_TIMEOUT: '1m' });
    await sut.onApplicationBootstrap();
    sut.release(await sut.acquire('sleepy'));
    clock.advance(30_000);
    await settled(sut);
    expect(runtime.names()).toEqual(['p-u-sleepy']);
    clock.advance(60_000);
    await settled(sut);
    expect(runtime.names()).toEqual([]);
  });

  it('replaces a sandbox after its max lifetime, once idle', async () => {
    const { sut, clock } = await makeFleet({ SANDBOX_WARM_POOL: '0', SANDBOX_IDLE_TIMEOUT: '2h' });
    await sut.onApplicationBootstrap();
    const sb = await sut.acquire('old');
    clock.advance(61 * 60_000);
    expect(await sut.sweep({ dryRun: true })).toEqual([]);
    sut.release(sb);
    expect((await sut.sweep({ dryRun: true })).map((c) => c.reason)).toEqual(['lifetime']);
  });

  it('at the cap evicts the least recently used idle sandbox, and refuses with Retry-After when all are busy', async () => {
    const { sut, runtime, clock } = await makeFleet({ SANDBOX_WARM_POOL: '0', SANDBOX_MAX: '2' });
    await sut.onApplicationBootstrap();
    sut.release(await sut.acquire('first'));
    clock.advance(1000);
    sut.release(await sut.acquire('second'));
    await sut.acquire('third');
    await settled(sut);
    expect(runtime.names()).toEqual(['p-u-second', 'p-u-third']);
    expect(sut.stats().reaps).toEqual({ evicted: 1 });

    await sut.acquire('second'); // now both are busy
    await expect(sut.acquire('fourth')).rejects.toBeInstanceOf(CapacityError);
  });

  it('recovers after a restart: adopts user and pool containers, removes dead and half-retired ones', async () => {
    const { runtime } = await makeFleet();
    const spec = (name: string) => ({
      name,
      image: 'x',
      labels: { 'pgsbx.prefix': 'p' },
      memoryBytes: 1,
      dataBytes: 1,
      cpus: 1,
      pidsLimit: 1,
    });
    await runtime.start(spec('p-u-erin'));
    await runtime.start(spec('p-pool-aaaa'));
    await runtime.start(spec('p-gone-bbbb'));
    await runtime.start(spec('p-u-dead'));
    runtime.byName('p-u-dead')!.running = false;
    await runtime.start({ ...spec('someone-else'), labels: {} });

    const { sut } = await makeFleet({}, runtime);
    await sut.onApplicationBootstrap();
    await settled(sut);
    expect(sut.find('erin')?.source).toBe('adopted');
    expect(sut.find('dead')).toBeUndefined();
    const names = runtime.names();
    expect(names).toContain('p-u-erin');
    expect(names).toContain('p-pool-aaaa');
    expect(names).toContain('someone-else');
    expect(names).not.toContain('p-gone-bbbb');
    expect(names).not.toContain('p-u-dead');
    expect(names.filter((n) => n.startsWith('p-pool-'))).toHaveLength(2);
  });

  it('on a container death the next acquire gets a fresh sandbox and the reason, once', async () => {
    const { sut, runtime } = await makeFleet({ SANDBOX_WARM_POOL: '0', SANDBOX_MEMORY: '256m' });
    await sut.onApplicationBootstrap();
    const first = await sut.acquire('frank');
    sut.release(first);
    runtime.kill('p-u-frank', true);
    await settled(sut);
    expect(first.gone).toBe(true);

    const second = await sut.acquire('frank');
    expect(second.containerId).not.toBe(first.containerId);
    expect(sut.takeDeathNotice('frank')?.reason).toMatch(/ran out of memory at its limit of 256 MB/);
    expect(sut.takeDeathNotice('frank')).toBeUndefined();
  });

  it('replaces pool containers of an outdated image instead of handing them out', async () => {
    const { sut, runtime } = await makeFleet({ SANDBOX_WARM_POOL: '1' });
    await sut.onApplicationBootstrap();
    await settled(sut);
    const stale = runtime.names()[0];
    runtime.imageRef = 'sha256:image-2';
    await sut.recover(); // what a sweep does: notice the new image
    const sb = await sut.ensure('gina');
    expect(sb.imageId).toBe('sha256:image-2');
    await settled(sut);
    expect(runtime.names()).not.toContain(stale);
  });
});
