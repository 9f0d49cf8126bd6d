import { Observable, Subject, VirtualTimeScheduler } from 'rxjs';
import { Clock } from '../../src/common/clock';
import { containerKind, goneContainerName } from '../../src/domain/sandbox-names';
import {
  ContainerInfo,
  ContainerNotFoundError,
  ContainerRuntime,
  ContainerStats,
  NameConflictError,
  RuntimeEvent,
  SandboxContainerSpec,
} from '../../src/runtime/container-runtime';

/**
 * An in-memory container engine with Docker's naming rules: names are unique, a claim is atomic
 * and only takes a pool container (`<prefix>-pool-…`), release renames to a `-gone-` name.
 */
export class FakeRuntime extends ContainerRuntime {
  readonly containers = new Map<string, ContainerInfo>();
  readonly events$ = new Subject<RuntimeEvent>();
  imageRef = 'sha256:image-1';
  /** Image refs that exist; undefined: every ref does (what fleet specs want). */
  images: Set<string> | undefined;
  starts = 0;
  private seq = 0;

  constructor(private readonly prefix = 'p') {
    super();
  }

  async ping(): Promise<void> {}
  async imageId(ref: string): Promise<string | null> {
    return !this.images || this.images.has(ref) ? this.imageRef : null;
  }
  async start(spec: SandboxContainerSpec): Promise<ContainerInfo> {
    if (this.byName(spec.name)) throw new NameConflictError(spec.name);
    this.starts++;
    const id = `c${++this.seq}`;
    const info: ContainerInfo = {
      id,
      name: spec.name,
      image: spec.image,
      imageId: this.imageRef,
      labels: spec.labels,
      running: true,
      socketDir: `/fake/${id}`,
      createdAt: new Date(),
    };
    this.containers.set(id, info);
    return { ...info };
  }
  async claim(poolId: string, name: string): Promise<void> {
    const c = this.containers.get(poolId);
    if (!c || containerKind(this.prefix, c.name).kind !== 'pool') throw new ContainerNotFoundError(poolId);
    if (this.byName(name)) throw new NameConflictError(name);
    c.name = name;
  }
  async release(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (c) c.name = goneContainerName(this.prefix);
  }
  async remove(id: string): Promise<void> {
    this.containers.delete(id);
  }
  async inspect(idOrName: string): Promise<ContainerInfo | null> {
    const c = this.containers.get(idOrName) ?? this.byName(idOrName);
    return c ? { ...c } : null;
  }
  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    return [...this.containers.values()].filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
  }
  async stats(id: string): Promise<ContainerStats | null> {
    return this.containers.has(id) ? { memoryBytes: 1, memoryLimitBytes: 2, cpuPercent: 0 } : null;
  }
  async logs(): Promise<string> {
    return '';
  }
  async pruneSocketVolumes(): Promise<number> {
    return 0;
  }
  events(): Observable<RuntimeEvent> {
    return this.events$;
  }
  byName(name: string): ContainerInfo | undefined {
    return [...this.containers.values()].find((c) => c.name === name);
  }
  names(): string[] {
    return [...this.containers.values()].map((c) => c.name).sort();
  }
  /** The container stops as if the engine killed it. */
  kill(name: string, oom: boolean): void {
    const c = this.byName(name) as ContainerInfo;
    c.running = false;
    c.oomKilled = oom;
    if (oom) this.events$.next({ kind: 'oom', id: c.id, name: c.name });
    this.events$.next({ kind: 'die', id: c.id, name: c.name, exitCode: 137 });
  }
}

/** The fake connector lives in fake-sandbox-connector.ts; this name stays for the fleet's specs. */
export { FakeSandboxConnector as FakeConnector } from './fake-sandbox-connector';

/** Time that moves only when a test says so; rxjs timers run on the same virtual clock. */
export class ManualClock extends Clock {
  override readonly scheduler = new VirtualTimeScheduler();
  private offset = 0;
  override now(): number {
    return 1_700_000_000_000 + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
    const s = this.scheduler;
    s.maxFrames = s.frame + ms;
    s.flush();
  }
}
