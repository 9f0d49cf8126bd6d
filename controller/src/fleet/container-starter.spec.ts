import { fleetFixture } from '../../test/support/fleet-fixture';
import { FakeConnector, FakeRuntime } from '../../test/support/fakes';
import { NameConflictError, SandboxContainerSpec, SandboxEndpoint } from '../runtime/container-runtime';
import { ContainerStarter } from './container-starter';

const flush = () => new Promise((r) => setImmediate(r));

/** Keeps the spec of every container it is asked to start. */
class RecordingRuntime extends FakeRuntime {
  readonly specs: SandboxContainerSpec[] = [];
  override async start(spec: SandboxContainerSpec) {
    this.specs.push(spec);
    return super.start(spec);
  }
}

/** A runtime that cannot remove anything. */
class StickyRuntime extends FakeRuntime {
  override async remove(): Promise<void> {
    throw new Error('removal refused');
  }
}

/**
 * A Postgres that answers only when the test says so: `answer()` lets the oldest waiting start
 * through, `refuse(err)` ends its wait with err. Each wait's timeout is kept.
 */
class HeldConnector extends FakeConnector {
  readonly timeouts: number[] = [];
  private readonly waiting: { go(): void; fail(e: Error): void }[] = [];
  override async waitReady(endpoint: SandboxEndpoint, timeoutMs?: number) {
    this.timeouts.push(timeoutMs as number);
    await new Promise<void>((go, fail) => this.waiting.push({ go, fail }));
    return super.waitReady(endpoint);
  }
  answer(): void {
    this.waiting.shift()!.go();
  }
  refuse(e: Error): void {
    this.waiting.shift()!.fail(e);
  }
}

async function makeStarter(env: Record<string, string> = {}, opts: { runtime?: FakeRuntime; connector?: FakeConnector } = {}) {
  const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', ...env }, opts);
  return { ...f, sut: f.get(ContainerStarter) };
}

describe(ContainerStarter.name, () => {
  it('starts a container of the configured image and limits, labelled as the fleet’s, with an open connection', async () => {
    const runtime = new RecordingRuntime();
    const { sut, clock } = await makeStarter(
      { SANDBOX_IMAGE: 'pgsbx/postgres:test', SANDBOX_MEMORY: '256m', SANDBOX_DATA_SIZE: '128m', SANDBOX_CPUS: '0.5', SANDBOX_PIDS: '32' },
      { runtime },
    );
    clock.advance(1000);

    const started = await sut.start('p-u-ann', true);

    expect(runtime.specs).toEqual([
      {
        name: 'p-u-ann',
        image: 'pgsbx/postgres:test',
        labels: { 'pgsbx.prefix': 'p', 'pgsbx.image': 'pgsbx/postgres:test', 'pgsbx.created-at': '2023-11-14T22:13:21.000Z' },
        memoryBytes: 256 * 1024 * 1024,
        dataBytes: 128 * 1024 * 1024,
        cpus: 0.5,
        pidsLimit: 32,
      },
    ]);
    expect(started.info).toEqual(await runtime.inspect('p-u-ann'));
    expect(started.info.running).toBe(true);
    await expect(started.client.run('select 1 as one', { maxRows: 10, budget: { bytesLeft: 1000 } })).resolves.toMatchObject({
      kind: 'rows',
      rows: [{ one: 1 }],
    });
  });

  it('waits for Postgres as long as SANDBOX_READY_TIMEOUT allows', async () => {
    const connector = new HeldConnector();
    const { sut } = await makeStarter({ SANDBOX_READY_TIMEOUT: '45s' }, { connector });
    const started = sut.start('p-u-bea', true);
    await flush();
    connector.answer();
    await started;
    expect(connector.timeouts).toEqual([45_000]);
  });

  it('refuses a name that is taken and leaves its container alone', async () => {
    const { sut, runtime } = await makeStarter();
    const first = await sut.start('p-u-cid', true);
    await expect(sut.start('p-u-cid', true)).rejects.toBeInstanceOf(NameConflictError);
    expect(runtime.names()).toEqual(['p-u-cid']);
    expect(runtime.containers.has(first.info.id)).toBe(true);
  });

  it('removes a container whose Postgres never answers, and its failed start frees the slot', async () => {
    const connector = new HeldConnector();
    const { sut, runtime } = await makeStarter({ SANDBOX_START_CONCURRENCY: '1' }, { connector });
    const doomed = sut.start('p-u-dan', true);
    await flush();
    expect(runtime.names()).toEqual(['p-u-dan']);
    connector.refuse(new Error('not ready within 30s'));
    await expect(doomed).rejects.toThrow('not ready within 30s');
    expect(runtime.names()).toEqual([]);

    const next = sut.start('p-u-dan', true);
    await flush();
    connector.answer();
    await expect(next).resolves.toMatchObject({ info: { name: 'p-u-dan' } });
  });

  it('reports why Postgres never answered even when the container cannot be removed', async () => {
    const connector = new HeldConnector();
    const { sut, runtime } = await makeStarter({}, { runtime: new StickyRuntime(), connector });
    const doomed = sut.start('p-u-eve', true);
    await flush();
    connector.refuse(new Error('not ready within 30s'));
    await expect(doomed).rejects.toThrow('not ready within 30s');
    expect(runtime.names()).toEqual(['p-u-eve']);
  });

  it('starts at most SANDBOX_START_CONCURRENCY at once, a user before a pool refill', async () => {
    const connector = new HeldConnector();
    const { sut, runtime } = await makeStarter({ SANDBOX_START_CONCURRENCY: '1' }, { connector });
    const first = sut.start('p-u-first', true);
    await flush();
    const pool = sut.start('p-pool-1', false);
    const user = sut.start('p-u-late', true);
    await flush();
    expect(runtime.names()).toEqual(['p-u-first']);

    connector.answer();
    await first;
    await flush();
    expect(runtime.names()).toEqual(['p-u-first', 'p-u-late']);

    connector.answer();
    await user;
    await flush();
    expect(runtime.names()).toEqual(['p-pool-1', 'p-u-first', 'p-u-late']);
    connector.answer();
    await pool;
  });
});
