import { JsonLogger } from '../common/json-logger';
import { MetricsService } from '../common/metrics.service';
import { Sandbox } from '../domain/sandbox';
import { SandboxRegistry } from './sandbox-registry';

const sandbox = (name: string, id: string) => new Sandbox(name, id, { kind: 'unix', dir: `/s/${id}` }, 0, 'img', 0, 'cold', name);

async function gauge(metrics: MetricsService, state: string): Promise<number | undefined> {
  const m = await metrics.sandboxes.get();
  return m.values.find((v) => v.labels.state === state)?.value;
}

describe(SandboxRegistry.name, () => {
  it('finds a sandbox by name and by container id, and forgets it once, telling removed$', () => {
    const sut = new SandboxRegistry(new MetricsService(), new JsonLogger('error'));
    const removed: string[] = [];
    sut.removed$.subscribe((sb) => removed.push(sb.name));
    const sb = sandbox('p-u-a', 'c1');
    let ended = false;
    sb.warmClient = { end: async () => void (ended = true) } as never;
    sut.register(sb);
    expect(sut.get('p-u-a')).toBe(sb);
    expect(sut.getByContainer('c1')).toBe(sb);

    sut.unregister(sb);
    sut.unregister(sb);
    expect(sb.gone).toBe(true);
    expect(ended).toBe(true);
    expect(sut.get('p-u-a')).toBeUndefined();
    expect(sut.hasContainer('c1')).toBe(false);
    expect(removed).toEqual(['p-u-a']);
  });

  it('does not forget a newer sandbox of the same name when an older one is unregistered', () => {
    const sut = new SandboxRegistry(new MetricsService(), new JsonLogger('error'));
    const old = sandbox('p-u-a', 'c1');
    sut.register(old);
    const fresh = sandbox('p-u-a', 'c2');
    sut.register(fresh);
    sut.unregister(old);
    expect(sut.get('p-u-a')).toBe(fresh);
  });

  it('counts names being provisioned that have no sandbox yet, and keeps the gauges', async () => {
    const metrics = new MetricsService();
    const sut = new SandboxRegistry(metrics, new JsonLogger('error'));
    sut.beginProvisioning('p-u-a');
    sut.beginProvisioning('p-u-b');
    expect(sut.startingOtherThan('p-u-a')).toBe(1);
    expect(sut.isProvisioning('p-u-b')).toBe(true);
    const a = sandbox('p-u-a', 'c1');
    sut.register(a);
    sut.endProvisioning('p-u-a');
    expect(await gauge(metrics, 'starting')).toBe(1);
    sut.use(a, 5);
    expect(a.lastUsedAt).toBe(5);
    expect(await gauge(metrics, 'busy')).toBe(1);
    expect(await gauge(metrics, 'ready')).toBe(0);
    sut.release(a, 9);
    sut.release(a, 9);
    expect(a.active).toBe(0);
    expect(await gauge(metrics, 'ready')).toBe(1);
  });
});
