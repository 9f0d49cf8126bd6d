import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { AppConfig } from '../config/app-config';
import { SandboxConnector } from '../database/sandbox-connector';
import { containerKind } from '../domain/sandbox-names';
import { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime';
import { AdoptionQueue, LISTING_WAIT_MS, adoptionConnection, unusableNotice } from './adoption';
import { BackgroundTasks } from './background-tasks';
import { CurrentImage } from './current-image';
import { DeathNotices } from './death-notices';
import { Provisioner } from './provisioner';
import { Retirement } from './retirement';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';
import { WarmPool } from './warm-pool';

/**
 * What the controller believes, brought in line with what the engine has: after a (re)start
 * (recover: adopt this fleet's containers) and on every sweep (reconcile: drop the dead).
 */
@Injectable()
export class Recovery {
  private done = false;
  private running?: Promise<void>;
  private readonly adoptions = new AdoptionQueue();
  /** Settles once the first recovery has listed the containers and queued their adoptions. */
  private readonly listed: Promise<void>;
  private markListed!: () => void;

  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
    private readonly connector: SandboxConnector,
    private readonly registry: SandboxRegistry,
    private readonly pool: WarmPool,
    private readonly provisioner: Provisioner,
    private readonly retirement: Retirement,
    private readonly deaths: DeathNotices,
    private readonly lock: UserLock,
    private readonly image: CurrentImage,
    private readonly background: BackgroundTasks,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
  ) {
    this.listed = new Promise((r) => (this.markListed = r));
  }

  /** True once a recovery has completed; until then sweeps retry it. */
  get recovered(): boolean {
    return this.done;
  }

  /**
   * Adopts this fleet's containers from the engine after a (re)start; removes the dead ones.
   * Each adoption is bounded (adoption.ts) and holds its user's name lock, a few run at once,
   * and a user's request runs theirs at once (untilAdopted): one wedged container delays
   * nobody but its own user, who gets a fresh sandbox and a notice saying why.
   */
  recover(): Promise<void> {
    this.running ??= this.recoverOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits (bounded) for the start-up listing, then runs this name's adoption now if it still waits. */
  async untilAdopted(name: string): Promise<void> {
    if (!this.done) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.listed, new Promise((r) => (timer = setTimeout(r, LISTING_WAIT_MS)))]);
      clearTimeout(timer);
    }
    await this.adoptions.hurry(name);
  }

  /**
   * Compares what the controller believes with what the engine has (every sweep, and when the
   * event stream comes back after the engine was away): sandboxes and pool containers that are
   * no longer running are dropped, stopped leftovers removed.
   */
  async reconcile(): Promise<void> {
    const listedAt = this.clock.now();
    const infos = await this.runtime.list({ 'pgsbx.prefix': this.config.prefix });
    const byId = new Map(infos.map((i) => [i.id, i]));
    // Only what existed before the listing: a container started meanwhile is not in it yet.
    for (const sb of this.registry.list()) {
      const info = byId.get(sb.containerId);
      if (sb.claimedAt >= listedAt && !info) continue;
      // A paused container is listed as not running; it is not dead, but it cannot serve either.
      const cause = info?.oomKilled ? 'oom' : /paused/i.test(info?.exitReason ?? '') ? 'unresponsive' : (info?.exitReason ?? 'gone');
      if (!info || !info.running) this.retirement.markDead(sb, cause);
    }
    this.pool.dropWhere((entry) => {
      const info = byId.get(entry.containerId);
      if (entry.createdAt >= listedAt && !info) return false;
      return !info || !info.running;
    });
    const tracked = new Set([...this.registry.containerIds(), ...this.pool.containerIds()]);
    const settledBefore = this.settledBefore();
    for (const info of infos) {
      if (!info.running && !tracked.has(info.id) && info.createdAt < settledBefore) {
        this.background.track(this.runtime.remove(info.id).catch(this.removeFailed(info)));
      }
    }
  }

  /** Leftovers of removed sandboxes (socket volumes, orphaned secrets): at recovery, then now and then. */
  async pruneLeftovers(): Promise<number> {
    return this.runtime.pruneLeftovers({ 'pgsbx.prefix': this.config.prefix }, this.settledBefore()).catch((e: Error) => {
      this.log.event('warn', 'fleet', 'pruning leftovers failed', { error: e.message });
      return 0;
    });
  }

  /** Made before this and still not running or used: no start in progress will take it any more. */
  private settledBefore(): Date {
    return new Date(this.clock.now() - this.config.readyTimeoutMs - 10_000);
  }

  private async recoverOnce(): Promise<void> {
    let infos: ContainerInfo[];
    try {
      await this.image.refresh();
      infos = await this.runtime.list({ 'pgsbx.prefix': this.config.prefix });
    } finally {
      this.markListed(); // requests go ahead even when the engine is away (they get its error)
    }
    const known = new Set([...this.registry.containerIds(), ...this.pool.containerIds()]);
    const jobs: Promise<void>[] = [];
    for (const info of infos.filter((i) => !known.has(i.id))) {
      const { kind, userId } = containerKind(this.config.prefix, info.name);
      if (kind === 'user') {
        // Queued and locked now, synchronously: no request for this user can slip in first.
        const done = this.adoptions.add(info.name, () => this.recoverUser(info, userId));
        void this.lock.run(info.name, () => done);
        jobs.push(done);
      } else if (!info.running || kind === 'gone' || kind === 'unknown') {
        jobs.push(this.runtime.remove(info.id).catch(this.removeFailed(info)));
      } else if (this.image.id && info.imageId !== this.image.id) {
        jobs.push(this.runtime.remove(info.id).catch(this.removeFailed(info)));
      } else {
        jobs.push(this.adoptions.add(info.name, () => this.recoverPoolEntry(info)));
      }
    }
    await Promise.all(jobs);
    const pruned = await this.pruneLeftovers();
    this.done = true;
    this.pool.openForRefill();
    this.log.event('info', 'fleet', 'recovered', { sandboxes: this.registry.size, pool: this.pool.size, prunedLeftovers: pruned });
    this.pool.refill();
  }

  private async recoverUser(info: ContainerInfo, userId: string | undefined): Promise<void> {
    // A retried recovery runs while requests are served: the name may be provisioned meanwhile.
    if (this.registry.hasContainer(info.id) || this.registry.has(info.name)) return;
    if (!info.running) {
      // Its data is gone with it; say so on the user's next exec instead of starting them afresh silently.
      this.deaths.record(info.name, {
        reason: unusableNotice(`it was not running: ${info.exitReason ?? 'stopped'}`),
        at: this.clock.now(),
        container: info.name,
      });
      await this.retirement.retire(info.id, undefined, 'died');
      return;
    }
    if (await this.provisioner.adopt(info, userId)) {
      this.log.event('info', 'fleet', 'adopted sandbox', { user: userId, container: info.name });
    }
  }

  /** A removal that failed is logged, not thrown: recovery goes on with the other containers. */
  private removeFailed(info: ContainerInfo): (err: unknown) => void {
    return warnOnFailure(this.log, 'fleet', 'removing a container failed', { container: info.name });
  }

  private async recoverPoolEntry(info: ContainerInfo): Promise<void> {
    try {
      const client = await adoptionConnection(this.connector, info, this.config.readyTimeoutMs);
      this.pool.adopt({
        containerId: info.id,
        name: info.name,
        endpoint: info.endpoint,
        createdAt: info.createdAt.getTime(),
        imageId: info.imageId,
        client,
        node: info.node,
      });
    } catch (e) {
      this.log.event('warn', 'fleet', 'could not adopt; removing', { container: info.name, error: (e as Error).message });
      await this.runtime.remove(info.id).catch(this.removeFailed(info));
    }
  }
}
