// ~330 lines on purpose: the one file that knows the Docker Swarm API (dockerode), by design.
import { Injectable } from '@nestjs/common';
import Docker from 'dockerode';
import { Observable, defer, retry, timer } from 'rxjs';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { AppConfig } from '../config/app-config';
import { SandboxAuthority } from '../tls/sandbox-authority';
import { containerKind } from '../domain/sandbox-names';
import {
  ContainerInfo,
  ContainerNotFoundError,
  ContainerRuntime,
  ContainerStats,
  ExecResult,
  NameConflictError,
  RuntimeEvent,
  RuntimeUnavailableError,
  SandboxContainerSpec,
} from './container-runtime';
import { demuxLogs, engineOptions, labelFilters } from './docker-wire';
import { createCredentials, removeOrphanedSecrets, removeSecrets, secretIdsOf } from './swarm-credentials';
import { eventsBetween } from './swarm-events';
import { CLAIMS_LABEL, OWNER_LABEL, nameLockSpec, sandboxServiceSpec } from './swarm-service-spec';
import { SwarmNodes, SwarmTask, isAbandoned, isNameLock, isTerminal, latestTask, viewServices } from './swarm-view';

/** How often events() looks at the services' tasks, and start() at a new one's. */
const EVENT_POLL_MS = 1000;
const START_POLL_MS = 150;

interface DockerError extends Error {
  statusCode?: number;
  code?: string;
  json?: { message?: string };
}

class LostRaceError extends Error {}

/**
 * The ContainerRuntime over a Docker Swarm manager: each sandbox is a one-replica service.
 * Services cannot be renamed, so the user's name is held by a service of that name — the
 * sandbox itself when started cold, a task-less name lock when claimed from the pool
 * (docs/SWARM.md "Ownership").
 */
@Injectable()
export class SwarmRuntime extends ContainerRuntime {
  private readonly docker: Docker;
  private readonly nodes: SwarmNodes = { names: new Map(), down: new Set() };

  constructor(
    private readonly config: AppConfig,
    private readonly log: JsonLogger,
    private readonly authority: SandboxAuthority,
  ) {
    super();
    this.docker = new Docker(engineOptions(config.dockerHost));
  }

  async ping(): Promise<void> {
    const info = (await this.call('info', undefined, () => this.docker.info())) as { Swarm?: { ControlAvailable?: boolean } };
    if (!info.Swarm?.ControlAvailable) throw new RuntimeUnavailableError(`${this.config.dockerHost} is not a swarm manager`);
  }

  async imageId(ref: string): Promise<string | null> {
    try {
      return (await this.call('image inspect', undefined, () => this.docker.getImage(ref).inspect())).Id;
    } catch (e) {
      if (e instanceof ContainerNotFoundError) return null;
      throw e;
    }
  }

  /**
   * Creates the service with credentials of its own (a swarm secret: TLS key and certificate, SCRAM
   * verifiers) and waits (SANDBOX_READY_TIMEOUT) for its task to run; removes both otherwise.
   */
  async start(spec: SandboxContainerSpec): Promise<ContainerInfo> {
    const imageId = (await this.imageId(spec.image)) ?? '';
    const credentials = await this.call('secret create', spec.name, () =>
      createCredentials(this.docker, this.authority, this.config.swarmNetwork, spec.name, spec.labels),
    );
    const body = sandboxServiceSpec(spec, { network: this.config.swarmNetwork, constraints: this.config.placement, imageId }, credentials);
    let created: Awaited<ReturnType<Docker['createService']>>;
    try {
      created = await this.call('service create', spec.name, () => this.docker.createService(body));
    } catch (e) {
      await removeSecrets(this.docker, [credentials.secretId]).catch(
        warnOnFailure(this.log, 'swarm', 'removing an unused secret failed', { container: spec.name }),
      );
      throw e;
    }
    const id = (created as unknown as { id?: string; ID?: string }).id ?? (created as unknown as { ID: string }).ID;
    try {
      const deadline = Date.now() + this.config.readyTimeoutMs;
      for (;;) {
        const tasks = await this.tasks([id]);
        const task = latestTask(tasks, id);
        if (task?.Status?.State === 'running') break;
        if (task && isTerminal(task)) throw new Error(`service ${spec.name} did not start: ${task.Status?.Err ?? task.Status?.State}`);
        if (Date.now() > deadline) {
          throw new Error(
            `service ${spec.name} did not start within ${this.config.readyTimeoutMs} ms: ${task?.Status?.Err ?? task?.Status?.State ?? 'no task'}`,
          );
        }
        await new Promise((r) => setTimeout(r, START_POLL_MS));
      }
      const info = await this.inspect(id);
      if (!info) throw new Error(`service ${spec.name} vanished while starting`);
      return info;
    } catch (e) {
      await this.remove(id).catch(
        warnOnFailure(this.log, 'swarm', 'removing a service that failed to start failed', { container: spec.name }),
      );
      throw e;
    }
  }

  /**
   * Takes the name first (a name-lock service: the lock), then marks the pool service with a
   * compare-and-swap on its version index: of two claims of one pool service exactly one update
   * lands; the loser gives its name lock back.
   */
  async claim(poolId: string, name: string): Promise<void> {
    const pool = await this.serviceOrNull(poolId);
    if (
      !pool ||
      isNameLock(pool) ||
      pool.Spec?.Labels?.[OWNER_LABEL] ||
      containerKind(this.config.prefix, pool.Spec?.Name ?? '').kind !== 'pool'
    ) {
      throw new ContainerNotFoundError(`claim: ${poolId} is not an unclaimed pool service`);
    }
    const lock = await this.call('service create', name, () => this.docker.createService(nameLockSpec(name, pool)));
    const lockId = (lock as unknown as { id: string }).id;
    try {
      const spec = { ...pool.Spec, Labels: { ...pool.Spec?.Labels, [OWNER_LABEL]: name } };
      await this.call('service update', poolId, () =>
        this.docker.getService(poolId).update({ _query: { version: pool.Version?.Index }, _body: spec }),
      );
    } catch (e) {
      await this.removeService(lockId).catch(warnOnFailure(this.log, 'swarm', 'giving back a name lock failed', { container: name }));
      if (e instanceof LostRaceError || e instanceof ContainerNotFoundError) {
        throw new ContainerNotFoundError(`claim: another claim of ${poolId} won`);
      }
      throw e;
    }
  }

  /** A claimed service: its name lock goes (the service becomes `-gone-`). A service named after the user goes itself. */
  async release(id: string): Promise<void> {
    const s = await this.serviceOrNull(id);
    if (!s) return;
    const owner = s.Spec?.Labels?.[OWNER_LABEL];
    if (owner) await this.removeLockOf(s.ID, owner);
    else await this.removeSandboxService(s);
  }

  /** The service (and its name lock, when claimed); the node's engine removes the task's container. */
  async remove(id: string): Promise<void> {
    const s = await this.serviceOrNull(id);
    if (!s) return;
    const owner = s.Spec?.Labels?.[OWNER_LABEL];
    if (owner) await this.removeLockOf(s.ID, owner);
    await this.removeSandboxService(s);
  }

  async inspect(idOrName: string): Promise<ContainerInfo | null> {
    const s = await this.serviceOrNull(idOrName);
    if (!s) return null;
    const related = [s];
    const owner = s.Spec?.Labels?.[OWNER_LABEL];
    const claims = s.Spec?.Labels?.[CLAIMS_LABEL];
    if (owner) {
      const lock = await this.serviceOrNull(owner);
      if (lock?.Spec?.Labels?.[CLAIMS_LABEL] === s.ID) related.push(lock);
    } else if (claims) {
      const target = await this.serviceOrNull(claims);
      if (target) related.push(target);
    }
    const views = await this.view(related);
    return views.find((v) => v.id === s.ID) ?? views.find((v) => v.name === s.Spec?.Name && v.id === claims) ?? views[0] ?? null;
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const services = await this.call('service list', undefined, () =>
      this.docker.listServices({ filters: { label: labelFilters(labels) } }),
    );
    return this.view(services);
  }

  /** Container stats live in the node's engine, which the controller does not reach: none. */
  async stats(id: string): Promise<ContainerStats | null> {
    await this.serviceOrNull(id);
    return null;
  }

  async logs(id: string, tail: number): Promise<string> {
    const out: unknown = await this.call('service logs', id, () =>
      this.docker.getService(id).logs({ stdout: true, stderr: true, tail, follow: false } as Docker.ContainerLogsOptions),
    );
    if (Buffer.isBuffer(out)) return demuxLogs(out);
    const chunks: Buffer[] = [];
    for await (const chunk of out as AsyncIterable<Buffer>) chunks.push(chunk);
    return demuxLogs(Buffer.concat(chunks));
  }

  /**
   * Secrets no service names (a controller that died between `secret create` and `service
   * create`, or a removal cut short). The socket storage lives on the nodes, out of the manager's
   * reach (docs/SWARM.md).
   */
  pruneLeftovers(labels: Record<string, string>, settledBefore: Date): Promise<number> {
    return this.call('secret prune', undefined, () => removeOrphanedSecrets(this.docker, labels, settledBefore));
  }

  /**
   * The manager's API cannot exec in a task on another node. Nothing needs it: archives run
   * beside the controller over the sandbox's TLS connection (NetworkArchiveTools).
   */
  exec(): Promise<ExecResult> {
    return Promise.reject(
      new Error('exec is not available on the swarm runtime: a task on another node is out of reach (archives use NetworkArchiveTools)'),
    );
  }

  /** The swarm runtime expects CONTROL_DATABASE_URL (app-config.ts refuses to start without it; deploy/stack.yaml has one). */
  ensureControlDatabase(): Promise<{ socketDir: string }> {
    return Promise.reject(
      new Error(
        'the swarm runtime needs CONTROL_DATABASE_URL: there is no embedded control database on a swarm (deploy/stack.yaml runs one)',
      ),
    );
  }

  /** Polls the services' tasks (swarm's own event stream has no task deaths); `resync` on each (re)start. */
  events(labels: Record<string, string>): Observable<RuntimeEvent> {
    const source = new Observable<RuntimeEvent>((sub) => {
      let before: Map<string, ContainerInfo> | undefined;
      let stopped = false;
      let timeout: NodeJS.Timeout | undefined;
      const poll = async (): Promise<void> => {
        try {
          const now = await this.list(labels);
          if (stopped) return;
          if (!before) sub.next({ kind: 'resync', id: '', name: '' });
          else for (const e of eventsBetween(before, now)) sub.next(e);
          before = new Map(now.map((c) => [c.id, c]));
          timeout = setTimeout(() => void poll(), EVENT_POLL_MS);
        } catch (e) {
          sub.error(e);
        }
      };
      void poll();
      return () => {
        stopped = true;
        clearTimeout(timeout);
      };
    });
    return defer(() => source).pipe(
      retry({
        delay: (err: Error, count) => {
          this.log.event('warn', 'swarm', 'task polling failed; retrying', { error: err.message, attempt: count });
          return timer(Math.min(5000, 250 * count));
        },
        resetOnSuccess: true,
      }),
    );
  }

  private async view(services: Docker.Service[]): Promise<ContainerInfo[]> {
    const ids = services.filter((s) => !isNameLock(s)).map((s) => s.ID);
    const tasks = ids.length ? await this.tasks(ids) : [];
    // Node names are asked for once per new node; states when a task was given up on (to say why).
    if (tasks.some((t) => (t.NodeID && !this.nodes.names.has(t.NodeID)) || isAbandoned(t))) await this.refreshNodes();
    return viewServices(services, tasks, this.nodes, this.config.prefix);
  }

  private async tasks(serviceIds: string[]): Promise<SwarmTask[]> {
    return (await this.call('task list', undefined, () => this.docker.listTasks({ filters: { service: serviceIds } }))) as SwarmTask[];
  }

  private async refreshNodes(): Promise<void> {
    const nodes = (await this.call('node list', undefined, () => this.docker.listNodes())) as {
      ID: string;
      Description?: { Hostname?: string };
      Status?: { State?: string };
    }[];
    this.nodes.down.clear();
    for (const n of nodes) {
      this.nodes.names.set(n.ID, n.Description?.Hostname ?? n.ID);
      if (n.Status?.State === 'down' || n.Status?.State === 'unknown') this.nodes.down.add(n.ID);
    }
  }

  private async serviceOrNull(idOrName: string): Promise<Docker.Service | null> {
    try {
      return (await this.call('service inspect', idOrName, () => this.docker.getService(idOrName).inspect())) as Docker.Service;
    } catch (e) {
      if (e instanceof ContainerNotFoundError) return null;
      throw e;
    }
  }

  /** Removes the name lock `name`, only when it is the one pointing at `serviceId`. */
  private async removeLockOf(serviceId: string, name: string): Promise<void> {
    const lock = await this.serviceOrNull(name);
    if (lock?.Spec?.Labels?.[CLAIMS_LABEL] === serviceId) await this.removeService(lock.ID);
  }

  /** The service, then its secret (swarm refuses to remove a secret while a service names it). */
  private async removeSandboxService(s: Docker.Service): Promise<void> {
    await this.removeService(s.ID);
    await this.call('secret remove', s.Spec?.Name, () => removeSecrets(this.docker, secretIdsOf(s)));
  }

  private async removeService(id: string): Promise<void> {
    try {
      await this.call('service remove', id, () => this.docker.getService(id).remove());
    } catch (e) {
      if (!(e instanceof ContainerNotFoundError)) throw e;
    }
  }

  /** Runs one engine call, mapping its failures to the port's errors and logging the service. */
  private async call<T>(what: string, id: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as DockerError;
      const message = e.json?.message ?? e.message;
      if (e.statusCode === 404) throw new ContainerNotFoundError(`${what}: ${id ?? ''} not found`);
      if (e.statusCode === 409 && what === 'service create') throw new NameConflictError(`${what}: name in use (${id ?? ''})`);
      if (what === 'service update' && /update out of sequence/i.test(message)) throw new LostRaceError(message);
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ECONNRESET') {
        throw new RuntimeUnavailableError(`the swarm manager at ${this.config.dockerHost} is unreachable (${e.code})`);
      }
      this.log.event('error', 'swarm', `${what} failed`, { container: id, error: message, status: e.statusCode });
      throw e;
    }
  }
}
