// ~410 lines on purpose: the one file that knows the Docker Engine API (dockerode) for the docker runtime, by design.
import { Injectable } from '@nestjs/common';
import Docker from 'dockerode';
import { Observable, defer, retry, timer } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
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
  RuntimeUnavailableError,
  SandboxEndpoint,
  SandboxContainerSpec,
} from './container-runtime';
import { containerKind, goneContainerName } from '../domain/sandbox-names';
import { demuxLogs, labelFilters } from './docker-wire';
import { dockerExec } from './docker-exec';
import { SANDBOX_PG_UID as PG_UID, SOCKET_MOUNT } from './sandbox-socket';

/**
 * The socket directory: an anonymous volume on its own small tmpfs, so what a sandbox writes there
 * is capped and never reaches the host's disk, and it goes with the container (`remove` with `v`).
 * Only the socket and its lock file live there.
 */
const SOCKET_TMPFS = `size=1m,nr_inodes=64,uid=${PG_UID},gid=${PG_UID},mode=0700,nosuid,nodev,noexec`;

interface DockerError extends Error {
  statusCode?: number;
  code?: string;
}

/** The ContainerRuntime over the Docker Engine API (dockerode). The only file that knows Docker. */
@Injectable()
export class DockerRuntime extends ContainerRuntime {
  private readonly docker: Docker;

  constructor(
    private readonly config: AppConfig,
    private readonly log: JsonLogger,
  ) {
    super();
    this.docker = new Docker({ socketPath: config.dockerSocket });
  }

  async ping(): Promise<void> {
    await this.call('ping', undefined, () => this.docker.ping());
  }

  async imageId(ref: string): Promise<string | null> {
    try {
      const info = await this.call('image inspect', undefined, () => this.docker.getImage(ref).inspect());
      return info.Id;
    } catch (e) {
      if (e instanceof ContainerNotFoundError) return null;
      throw e;
    }
  }

  async start(spec: SandboxContainerSpec): Promise<ContainerInfo> {
    let id: string | undefined;
    try {
      const container = await this.call('create', spec.name, () =>
        this.docker.createContainer({
          name: spec.name,
          Image: spec.image,
          User: `${PG_UID}:${PG_UID}`,
          Labels: spec.labels,
          NetworkDisabled: true,
          // The image's HEALTHCHECK is for people running it by hand. The controller proves
          // readiness with a real connection and sees deaths through events; 200 sandboxes each
          // exec'ing pg_isready every 30 s would keep a small host's dockerd busy.
          Healthcheck: { Test: ['NONE'] },
          HostConfig: {
            NetworkMode: 'none',
            ReadonlyRootfs: true,
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges'],
            PidsLimit: spec.pidsLimit,
            Memory: spec.memoryBytes,
            MemorySwap: spec.memoryBytes,
            NanoCpus: Math.round(spec.cpus * 1e9),
            ShmSize: 32 * 1024 * 1024,
            Tmpfs: {
              '/var/lib/postgresql/data': `rw,nosuid,nodev,size=${spec.dataBytes},mode=0700,uid=${PG_UID},gid=${PG_UID}`,
              '/tmp': 'rw,nosuid,nodev,noexec,size=16m,mode=1777',
            },
            Mounts: [
              {
                Type: 'volume',
                Source: '',
                Target: SOCKET_MOUNT,
                VolumeOptions: {
                  NoCopy: true,
                  Labels: { 'pgsbx.prefix': this.config.prefix, 'pgsbx.volume': 'socket' },
                  DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs', o: SOCKET_TMPFS } },
                },
              },
            ],
            LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
            RestartPolicy: { Name: 'no' },
          },
        }),
      );
      id = container.id;
      await this.call('start', id, () => container.start());
      // Docker names the volume, so only it knows the host path.
      const created = await this.call('inspect', id, () => container.inspect());
      return {
        id,
        name: spec.name,
        image: spec.image,
        imageId: '',
        labels: spec.labels,
        running: true,
        endpoint: endpointOf(created.Mounts),
        createdAt: new Date(),
      };
    } catch (e) {
      if (id)
        await this.remove(id).catch(
          warnOnFailure(this.log, 'docker', 'removing a container that failed to start failed', { container: id }),
        );
      throw e;
    }
  }

  /**
   * A rename. Docker has no compare-and-swap on a container: the pool check and the rename are two
   * calls, which is enough while one controller owns the engine (the swarm runtime closes the gap).
   */
  async claim(poolId: string, name: string): Promise<void> {
    const current = await this.inspect(poolId);
    if (!current || containerKind(this.config.prefix, current.name).kind !== 'pool') {
      throw new ContainerNotFoundError(`claim: ${poolId} is not a pool container (any more)`);
    }
    await this.call('rename', poolId, () => this.docker.getContainer(poolId).rename({ name }));
  }

  async release(id: string): Promise<void> {
    try {
      await this.call('rename', id, () => this.docker.getContainer(id).rename({ name: goneContainerName(this.config.prefix) }));
    } catch (e) {
      if (!(e instanceof ContainerNotFoundError)) throw e;
    }
  }

  /** `v`: the anonymous socket volume goes with the container. */
  async remove(id: string): Promise<void> {
    try {
      await this.call('remove', id, () => this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (e) {
      if (!(e instanceof ContainerNotFoundError)) throw e;
    }
  }

  async inspect(idOrName: string): Promise<ContainerInfo | null> {
    try {
      const i = await this.call('inspect', idOrName, () => this.docker.getContainer(idOrName).inspect());
      return {
        id: i.Id,
        name: i.Name.replace(/^\//, ''),
        image: i.Config.Image,
        imageId: i.Image,
        labels: i.Config.Labels ?? {},
        running: i.State.Running,
        endpoint: endpointOf(i.Mounts),
        createdAt: new Date(i.Created),
        exitReason: i.State.Running ? undefined : i.State.OOMKilled ? 'oom' : `exit ${i.State.ExitCode}`,
        oomKilled: i.State.OOMKilled,
      };
    } catch (e) {
      if (e instanceof ContainerNotFoundError) return null;
      throw e;
    }
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const rows = await this.call('list', undefined, () =>
      this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) } }),
    );
    return rows.map((r) => ({
      id: r.Id,
      name: (r.Names[0] ?? '').replace(/^\//, ''),
      image: r.Image,
      imageId: r.ImageID,
      labels: r.Labels ?? {},
      running: r.State === 'running',
      endpoint: endpointOf(r.Mounts),
      createdAt: new Date(r.Created * 1000),
      exitReason: r.State === 'running' ? undefined : r.Status,
    }));
  }

  async stats(id: string): Promise<ContainerStats | null> {
    try {
      const s = (await this.call('stats', id, () =>
        this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false }),
      )) as unknown as DockerStats;
      const mem = s.memory_stats ?? {};
      const inactive = mem.stats?.total_inactive_file ?? mem.stats?.inactive_file ?? 0;
      const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
      const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
      const cpus = s.cpu_stats?.online_cpus ?? 1;
      return {
        memoryBytes: Math.max(0, (mem.usage ?? 0) - inactive),
        memoryLimitBytes: mem.limit ?? 0,
        cpuPercent: sysDelta > 0 && s.precpu_stats?.system_cpu_usage ? (cpuDelta / sysDelta) * cpus * 100 : 0,
      };
    } catch (e) {
      if (e instanceof ContainerNotFoundError) return null;
      throw e;
    }
  }

  /** Dangling volumes only: a volume is made together with its container, so no start can be in between. */
  async pruneLeftovers(labels: Record<string, string>): Promise<number> {
    const { Volumes } = await this.call('volume list', undefined, () =>
      this.docker.listVolumes({ filters: { label: labelFilters({ ...labels, 'pgsbx.volume': 'socket' }), dangling: ['true'] } }),
    );
    let removed = 0;
    for (const v of Volumes ?? []) {
      try {
        await this.call('volume remove', v.Name, () => this.docker.getVolume(v.Name).remove());
        removed++;
      } catch {
        /* taken meanwhile, or gone: either way not an orphan to remove */
      }
    }
    return removed;
  }

  async ensureControlDatabase(spec: ControlDatabaseSpec): Promise<{ socketDir: string }> {
    let info = await this.inspect(spec.name);
    if (!info) {
      try {
        await this.call('create', spec.name, () => this.docker.createContainer(controlContainerOptions(spec)));
      } catch (e) {
        if (!(e instanceof NameConflictError)) throw e; // another controller made it first: use theirs
      }
      // The other controller's create can hold the name a moment before inspect finds it.
      for (let tries = 0; !(info = await this.inspect(spec.name)); tries++) {
        if (tries === 50) throw new ContainerNotFoundError(`create: ${spec.name} vanished`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (!info.running) {
      try {
        await this.call('start', spec.name, () => this.docker.getContainer(spec.name).start());
      } catch (e) {
        if ((e as DockerError).statusCode !== 304) throw e; // 304: already started
      }
    }
    return { socketDir: info.endpoint.kind === 'unix' ? info.endpoint.dir : '' };
  }

  async logs(id: string, tail: number): Promise<string> {
    const buf = await this.call('logs', id, () => this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false }));
    return demuxLogs(buf);
  }

  exec(id: string, argv: string[], opts?: ExecOptions): Promise<ExecResult> {
    return this.call('exec', id, () => dockerExec(this.docker, id, argv, opts));
  }

  events(labels: Record<string, string>): Observable<RuntimeEvent> {
    const source = new Observable<RuntimeEvent>((sub) => {
      let stream: NodeJS.ReadableStream | undefined;
      let closed = false;
      let pending = '';
      this.docker
        .getEvents({
          filters: { type: ['container'], label: labelFilters(labels), event: ['die', 'oom', 'destroy', 'start'] },
        })
        .then((s) => {
          stream = s;
          if (closed) return (s as unknown as { destroy(): void }).destroy();
          sub.next({ kind: 'resync', id: '', name: '' });
          s.on('data', (chunk: Buffer) => {
            pending += chunk.toString('utf8');
            let nl: number;
            while ((nl = pending.indexOf('\n')) >= 0) {
              const line = pending.slice(0, nl).trim();
              pending = pending.slice(nl + 1);
              if (!line) continue;
              try {
                const e = JSON.parse(line) as DockerEvent;
                sub.next({
                  kind: e.Action as RuntimeEvent['kind'],
                  id: e.id ?? e.Actor?.ID ?? '',
                  name: e.Actor?.Attributes?.name ?? '',
                  exitCode: e.Actor?.Attributes?.exitCode ? Number(e.Actor.Attributes.exitCode) : undefined,
                });
              } catch {
                /* a partial or foreign line: ignore */
              }
            }
          });
          s.on('end', () => sub.error(new RuntimeUnavailableError('docker event stream ended')));
          s.on('error', (err: Error) => sub.error(err));
        })
        .catch((err: Error) => sub.error(err));
      return () => {
        closed = true;
        (stream as unknown as { destroy?(): void } | undefined)?.destroy?.();
      };
    });
    return defer(() => source).pipe(
      retry({
        delay: (err: Error, count) => {
          this.log.event('warn', 'docker', 'event stream lost; reconnecting', { error: err.message, attempt: count });
          return timer(Math.min(5000, 250 * count));
        },
        resetOnSuccess: true,
      }),
    );
  }

  /** Runs one Docker call, mapping its failures to the port's errors and logging the container. */
  private async call<T>(what: string, id: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as DockerError;
      if (e.statusCode === 404) throw new ContainerNotFoundError(`${what}: ${id ?? ''} not found`);
      if (e.statusCode === 409 && (what === 'create' || what === 'rename')) {
        throw new NameConflictError(`${what}: name in use (${id ?? ''})`);
      }
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ECONNRESET') {
        throw new RuntimeUnavailableError(`the Docker engine at ${this.config.dockerSocket} is unreachable (${e.code})`);
      }
      this.log.event('error', 'docker', `${what} failed`, { container: id, error: e.message, status: e.statusCode });
      throw e;
    }
  }
}

/**
 * The control database: its data on a named volume (kept when the container is re-created), its
 * socket on a small named tmpfs volume like a sandbox's, durable settings, restarted by Docker.
 */
function controlContainerOptions(spec: ControlDatabaseSpec): Docker.ContainerCreateOptions {
  return {
    name: spec.name,
    Image: spec.image,
    User: `${PG_UID}:${PG_UID}`,
    Labels: spec.labels,
    Cmd: spec.args,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: spec.memoryBytes,
      MemorySwap: spec.memoryBytes,
      ShmSize: 32 * 1024 * 1024,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,noexec,size=16m,mode=1777' },
      Mounts: [
        {
          Type: 'volume',
          Source: spec.name,
          Target: '/var/lib/postgresql/data',
          // NoCopy false: Docker seeds the new volume with the image's empty data directory,
          // owned by the postgres uid with mode 0700, as Postgres demands.
          VolumeOptions: {
            NoCopy: false,
            Labels: { ...spec.labels, 'pgsbx.volume': 'control-data' },
            DriverConfig: { Name: 'local', Options: {} },
          },
        },
        {
          Type: 'volume',
          Source: `${spec.name}-socket`,
          Target: SOCKET_MOUNT,
          VolumeOptions: {
            NoCopy: true,
            Labels: { ...spec.labels, 'pgsbx.volume': 'control-socket' },
            DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs', o: SOCKET_TMPFS } },
          },
        },
      ],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
      RestartPolicy: { Name: 'unless-stopped' },
    },
  };
}

/** The host path of the socket volume, from the container's mounts ('' when there is none). */
function endpointOf(mounts: { Type: string; Source: string; Destination: string }[] | undefined): SandboxEndpoint {
  return { kind: 'unix', dir: mounts?.find((m) => m.Type === 'volume' && m.Destination === SOCKET_MOUNT)?.Source ?? '' };
}

interface DockerEvent {
  Action: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

interface DockerStats {
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
}
