import type { Readable } from 'node:stream';
import { endpointKey } from './fake-sandbox-connector';
import { Observable, Subject, VirtualTimeScheduler } from 'rxjs';
import { Clock } from '../../src/common/clock';
import { containerKind, goneContainerName } from '../../src/domain/sandbox-names';
import {
  ContainerInfo,
  ContainerNotFoundError,
  ContainerRuntime,
  ContainerStats,
  ExecOptions,
  ExecResult,
  ControlDatabaseSpec,
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
    return { ...this.add(spec, (id) => `/fake/${id}`) };
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
  async pruneLeftovers(): Promise<number> {
    return 0;
  }
  /** What exec runs: `cat` and `sh -c 'echo X >&2; exit N'` by default (the contract's commands); tests add others. */
  execHandler: (id: string, argv: string[], stdin: Buffer) => Promise<{ stdout?: Buffer; exitCode: number; stderr?: string }> = async (
    _id,
    argv,
    stdin,
  ) => {
    if (argv.length === 1 && argv[0] === 'cat') return { stdout: stdin, exitCode: 0 };
    if (argv[0] === 'head' && argv[1] === '-c') return { stdout: stdin.subarray(0, Number(argv[2])), exitCode: 0 };
    // The image's Postgres tools, as the fleet's hibernation uses them (sandbox-archiver.ts).
    if (argv[0].endsWith('/pg_dump')) return { stdout: Buffer.from(`PGDMP fake dump of ${_id}`), exitCode: 0 };
    if (argv[0].endsWith('/pg_restore') && argv.includes('-l')) {
      return stdin.subarray(0, 5).toString() === 'PGDMP'
        ? { stdout: Buffer.from(';\n1; 0 0 TABLE public t sandbox\n'), exitCode: 0 }
        : { exitCode: 1, stderr: 'pg_restore: error: input file does not appear to be a valid archive\n' };
    }
    if (argv[0] === '/usr/local/bin/pgsbx-restore') return { exitCode: 0 };
    const m = argv[0] === 'sh' && argv[1] === '-c' ? /^echo (\S+) >&2; exit (\d+)$/.exec(argv[2] ?? '') : null;
    if (m) return { exitCode: Number(m[2]), stderr: `${m[1]}\n` };
    return { exitCode: 127, stderr: `${argv[0]}: not found\n` };
  };
  execs: string[][] = [];
  async exec(id: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const c = this.containers.get(id) ?? this.byName(id);
    if (!c || !c.running) throw new ContainerNotFoundError(id);
    this.execs.push(argv);
    const stdin = opts.stdin ? await readAll(opts.stdin) : Buffer.alloc(0);
    const out = await this.execHandler(c.id, argv, stdin);
    if (opts.stdout) {
      if (out.stdout?.length) opts.stdout.write(out.stdout);
      opts.stdout.end();
    }
    return { exitCode: out.exitCode, stderr: out.stderr ?? '' };
  }
  async ensureControlDatabase(spec: ControlDatabaseSpec): Promise<{ socketDir: string }> {
    const existing = this.byName(spec.name);
    if (existing) {
      existing.running = true;
      return { socketDir: endpointKey(existing.endpoint) };
    }
    return { socketDir: endpointKey(this.add(spec, () => `/fake/${spec.name}-socket`).endpoint) };
  }
  events(): Observable<RuntimeEvent> {
    return this.events$;
  }
  private add(spec: { name: string; image: string; labels: Record<string, string> }, socketDir: (id: string) => string): ContainerInfo {
    const id = `c${++this.seq}`;
    const info: ContainerInfo = {
      id,
      name: spec.name,
      image: spec.image,
      imageId: this.imageRef,
      labels: spec.labels,
      running: true,
      endpoint: { kind: 'unix', dir: socketDir(id) },
      createdAt: new Date(),
    };
    this.containers.set(id, info);
    return info;
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

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts);
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
