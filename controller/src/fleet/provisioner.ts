import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { AppConfig } from '../config/app-config';
import type { SandboxConnection } from '../database/sandbox-connection';
import { SandboxConnector } from '../database/sandbox-connector';
import { CapacityError, DrainingError } from '../domain/errors';
import { Sandbox } from '../domain/sandbox';
import { ContainerInfo, ContainerNotFoundError, ContainerRuntime, NameConflictError } from '../runtime/container-runtime';
import { adoptionConnection, unusableNotice } from './adoption';
import { capacityDecision } from './capacity-policy';
import { ContainerStarter } from './container-starter';
import { CurrentImage } from './current-image';
import { DeathNotices } from './death-notices';
import { FleetStats } from './fleet-stats';
import { Hibernation } from './hibernation';
import { Retirement } from './retirement';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';
import { WarmPool } from './warm-pool';

/**
 * The spawner: gives a user a ready sandbox under their container name — claimed from the warm
 * pool (a claim: Docker renames it), started cold, or adopted when the name is already held by a running container.
 * Every method expects the caller to hold the user's lock (UserLock) for `name`.
 */
@Injectable()
export class Provisioner {
  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
    private readonly connector: SandboxConnector,
    private readonly registry: SandboxRegistry,
    private readonly pool: WarmPool,
    private readonly starter: ContainerStarter,
    private readonly retirement: Retirement,
    private readonly hibernation: Hibernation,
    private readonly deaths: DeathNotices,
    private readonly stats: FleetStats,
    private readonly image: CurrentImage,
    private readonly lock: UserLock,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
  ) {}

  provision(name: string, userId: string): Promise<Sandbox> {
    return this.provisionOnce(name, userId, false);
  }

  /** Replaces the user's container (if any) with a fresh one. */
  async reset(name: string, userId: string): Promise<Sandbox> {
    if (this.pool.isDraining) throw new DrainingError();
    const old = this.registry.get(name);
    const oldId = old?.containerId ?? (await this.runtime.inspect(name))?.id;
    if (oldId) await this.retirement.retire(oldId, old, 'reset');
    return this.provision(name, userId);
  }

  /**
   * Takes over a running container that holds a user's name, within a short bound (adoption.ts).
   * One that does not answer is retired and its user told why on the next exec: null.
   */
  async adopt(info: ContainerInfo, userId: string | undefined): Promise<Sandbox | null> {
    if (userId && (await this.hibernation.isHibernated(userId))) {
      // The user's database is in their archive: this container is older than it (a hibernate
      // interrupted after the save, or a wake interrupted before the flag cleared). Not adopted.
      this.log.event('info', 'fleet', 'removing a stale container of a hibernated user', { user: userId, container: info.name });
      await this.retirement.retire(info.id, undefined, 'stale');
      return null;
    }
    let client: SandboxConnection;
    try {
      client = await adoptionConnection(this.connector, info, this.config.readyTimeoutMs);
    } catch (e) {
      const cause = (e as Error).message;
      this.log.event('warn', 'fleet', 'could not adopt sandbox; replacing it', { user: userId, container: info.name, error: cause });
      this.deaths.record(info.name, { reason: unusableNotice(cause), at: this.clock.now(), container: info.name });
      await this.retirement.retire(info.id, undefined, 'unresponsive');
      return null;
    }
    const now = this.clock.now();
    const sb = new Sandbox(info.name, info.id, info.endpoint, info.createdAt.getTime(), info.imageId, now, 'adopted', userId);
    sb.warmClient = client;
    sb.node = info.node;
    this.registry.register(sb);
    return sb;
  }

  private async provisionOnce(name: string, userId: string, retried: boolean): Promise<Sandbox> {
    if (this.pool.isDraining) throw new DrainingError();
    this.registry.beginProvisioning(name);
    try {
      const started = this.clock.now();
      await this.makeRoom(name);
      const claimed = await this.claimFromPool(name, userId);
      if (claimed === 'conflict') return await this.adoptExisting(name, userId, retried);
      let sb = claimed;
      if (!sb) {
        try {
          sb = await this.startCold(name, userId);
        } catch (e) {
          if (e instanceof NameConflictError) return await this.adoptExisting(name, userId, retried);
          throw e;
        }
      }
      await this.wake(sb, userId);
      const ms = this.clock.now() - started;
      const source = sb.source === 'pool' ? 'pool' : 'cold';
      this.stats.recordProvision(source, ms);
      this.registry.register(sb);
      this.log.event('info', 'fleet', 'sandbox ready', { user: userId, container: name, source, ms, restored: !!sb.restored });
      return sb;
    } finally {
      this.registry.endProvisioning(name);
      this.pool.refill();
    }
  }

  /** A hibernated user's database goes into their new container before anyone can use it. */
  private async wake(sb: Sandbox, userId: string): Promise<void> {
    try {
      sb.restored = await this.hibernation.wakeInto(sb, userId);
    } catch (e) {
      sb.takeWarmClient()
        ?.end()
        .catch(warnOnFailure(this.log, 'fleet', 'closing a connection failed', { container: sb.name }));
      await this.retirement.retire(sb.containerId, undefined, 'stale');
      throw e;
    }
  }

  private async makeRoom(name: string): Promise<void> {
    const decision = capacityDecision({
      // A sandbox that could not be saved lately is not picked again (it would fail the same way).
      sandboxes: this.registry.list().filter((sb) => !this.config.hibernate || !this.hibernation.recentlyFailed(sb)),
      startingElsewhere: this.registry.startingOtherThan(name),
      max: this.config.maxSandboxes,
    });
    if (decision.kind === 'room') return;
    if (decision.kind === 'full') throw new CapacityError(decision.retryAfterSeconds);
    const lru = decision.sandbox;
    this.log.event('info', 'fleet', 'evicting least recently used sandbox', { user: lru.userId, container: lru.name });
    if (!this.config.hibernate) return this.retirement.retire(lru.containerId, lru, 'evicted');
    // Saved first, under that user's lock; a sandbox that cannot be saved is not destroyed.
    const saved = await this.lock.run(lru.name, () => this.hibernation.hibernate(lru, 'evicted'));
    if (!saved && !lru.gone) throw new CapacityError(30);
  }

  private async claimFromPool(name: string, userId: string): Promise<Sandbox | 'conflict' | null> {
    for (let entry = this.pool.take(); entry; entry = this.pool.take()) {
      try {
        await this.runtime.claim(entry.containerId, name);
      } catch (e) {
        if (e instanceof NameConflictError) {
          this.pool.putBack(entry);
          return 'conflict';
        }
        entry.client.end().catch(warnOnFailure(this.log, 'fleet', 'closing a pool connection failed', { container: entry.name }));
        if (e instanceof ContainerNotFoundError) continue;
        throw e;
      }
      const sb = new Sandbox(name, entry.containerId, entry.endpoint, entry.createdAt, entry.imageId, this.clock.now(), 'pool', userId);
      sb.warmClient = entry.client;
      sb.node = entry.node;
      return sb;
    }
    return null;
  }

  private async startCold(name: string, userId: string): Promise<Sandbox> {
    const { info, client } = await this.starter.start(name, true);
    const now = this.clock.now();
    const sb = new Sandbox(name, info.id, info.endpoint, now, this.image.id ?? '', now, 'cold', userId);
    sb.warmClient = client;
    sb.node = info.node;
    return sb;
  }

  /** Another controller, or this one before a restart, holds the name: use that container. */
  private async adoptExisting(name: string, userId: string, retried = false): Promise<Sandbox> {
    const info = await this.runtime.inspect(name);
    if (!info && retried) throw new Error(`container ${name} vanished while being claimed; try again`);
    if (!info || !info.running || info.oomKilled) {
      // A dead or dying container still holds the name: clear it away and start over.
      if (info) await this.retirement.retire(info.id, undefined, 'died');
      if (retried) throw new Error(`container ${name} could not be replaced; try again`);
      return this.provisionOnce(name, userId, true);
    }
    const sb = await this.adopt(info, userId);
    if (sb) return sb;
    if (retried) throw new Error(`container ${name} could not be replaced; try again`);
    return this.provisionOnce(name, userId, true);
  }
}
