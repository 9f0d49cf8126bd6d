import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Subject, Subscription, interval } from 'rxjs';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { MetricsService } from '../common/metrics.service';
import { Semaphore } from '../common/semaphore';
import { AppConfig } from '../config/app-config';
import type { SandboxConnection } from '../database/sandbox-connection';
import { SandboxConnector } from '../database/sandbox-connector';
import {
  ContainerInfo,
  ContainerNotFoundError,
  ContainerRuntime,
  NameConflictError,
  RuntimeEvent,
} from '../runtime/container-runtime';
import { AdoptionQueue, LISTING_WAIT_MS, adoptionConnection, unusableNotice } from './recovery';
import { containerKind, userContainerName } from './sandbox-names';

export type ProvisionSource = 'pool' | 'cold' | 'adopted';
export type ReapReason = 'idle' | 'lifetime' | 'evicted' | 'reset' | 'removed' | 'died' | 'admin' | 'unresponsive';

/** A user's running container, as the controller tracks it. */
export class Sandbox {
  active = 0;
  gone = false;
  lastUsedAt: number;
  /** The connection that proved readiness; the first session takes it. */
  warmClient?: SandboxConnection;
  /** Once gone: what happened to it, as the end of "the sandbox …" (for a statement it cut short). */
  endedBecause?: string;

  constructor(
    readonly name: string,
    readonly containerId: string,
    readonly socketDir: string,
    readonly createdAt: number,
    readonly imageId: string,
    readonly claimedAt: number,
    readonly source: ProvisionSource,
    public userId: string | undefined,
  ) {
    this.lastUsedAt = claimedAt;
  }

  get state(): 'ready' | 'busy' {
    return this.active > 0 ? 'busy' : 'ready';
  }

  takeWarmClient(): SandboxConnection | undefined {
    const c = this.warmClient;
    this.warmClient = undefined;
    return c;
  }
}

interface PoolEntry {
  containerId: string;
  name: string;
  socketDir: string;
  createdAt: number;
  imageId: string;
  client: SandboxConnection;
}

export interface DeathNotice {
  reason: string;
  at: number;
  container: string;
}

export interface ReapCandidate {
  userId?: string;
  container: string;
  reason: ReapReason;
  idleMs: number;
}

/** No room for another sandbox: 503 with Retry-After. */
export class CapacityError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'All sandboxes are in use right now and none is idle enough to make room. Try again in a minute.',
    );
  }
}

/** New sandboxes are paused by an operator. */
export class DrainingError extends Error {
  constructor() {
    super('New sandboxes are paused for maintenance (the fleet is draining). Try again in a few minutes.');
  }
}

const LATENCY_WINDOW = 1000;

/** What a statement cut short by a retirement is told ("the sandbox …"). */
const RETIRED_BECAUSE: Record<ReapReason, string> = {
  idle: 'was removed after being idle',
  lifetime: 'was replaced at the end of its lifetime',
  evicted: 'was removed to make room for another user',
  reset: 'was reset',
  removed: 'was removed by an operator',
  died: 'stopped',
  admin: 'was removed by an operator',
  unresponsive: 'did not respond and was replaced',
};

/**
 * Provisioning, the warm pool, the reaper, capacity, restart recovery and Docker events.
 * Talks to containers only through ContainerRuntime and to Postgres only through SandboxConnector.
 */
@Injectable()
export class FleetService implements OnApplicationBootstrap, OnModuleDestroy {
  /** Fires when a sandbox's container is gone or going, so its sessions can close. */
  readonly removed$ = new Subject<Sandbox>();

  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly byContainer = new Map<string, Sandbox>();
  private readonly pool: PoolEntry[] = [];
  private poolStarting = 0;
  private poolTarget: number;
  private poolRetryAt = 0;
  private draining = false;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly provisioning = new Set<string>();
  private readonly deaths = new Map<string, DeathNotice>();
  private readonly oomSeen = new Set<string>();
  private readonly slots: Semaphore;
  private readonly background = new Set<Promise<unknown>>();
  private readonly latencies: Record<'pool' | 'cold', number[]> = { pool: [], cold: [] };
  private readonly reapCounts: Partial<Record<ReapReason, number>> = {};
  private currentImageId: string | null = null;
  private recovered = false;
  private recovering?: Promise<void>;
  private readonly adoptions = new AdoptionQueue();
  /** Settles once the first recovery has listed the containers and queued their adoptions. */
  private readonly listed: Promise<void>;
  private markListed!: () => void;
  private subs: Subscription[] = [];
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
    private readonly connector: SandboxConnector,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly log: JsonLogger,
  ) {
    this.poolTarget = config.warmPool;
    this.slots = new Semaphore(config.startConcurrency);
    this.metrics.poolTarget.set(this.poolTarget);
    this.listed = new Promise((r) => (this.markListed = r));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subs.push(
      this.runtime.events({ 'pgsbx.prefix': this.config.prefix }).subscribe({
        next: (e) => this.onRuntimeEvent(e),
        error: (err: Error) => this.log.event('error', 'fleet', 'event stream failed', { error: err.message }),
      }),
    );
    this.subs.push(interval(this.config.reapIntervalMs, this.clock.scheduler).subscribe(() => void this.tick()));
    // In the background: the API serves while containers are adopted; a user's request waits
    // for that user's adoption only (untilAdopted).
    this.track(
      this.recover().catch((e: Error) => this.log.event('error', 'fleet', 'recovery failed; will retry', { error: e.message })),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.subs.forEach((s) => s.unsubscribe());
    for (const e of this.pool) await e.client.end().catch(() => undefined);
    for (const sb of this.sandboxes.values()) await sb.takeWarmClient()?.end().catch(() => undefined);
  }

  // ---- what users ask for -------------------------------------------------------------------

  nameFor(userId: string): string {
    return userContainerName(this.config.prefix, userId);
  }

  find(userId: string): Sandbox | undefined {
    return this.sandboxes.get(this.nameFor(userId));
  }

  isStarting(userId: string): boolean {
    return this.provisioning.has(this.nameFor(userId));
  }

  /** The user's sandbox, marked busy; call release() when the statement batch ends. */
  async acquire(userId: string): Promise<Sandbox> {
    for (let attempt = 0; ; attempt++) {
      const sb = await this.ensure(userId);
      if (!sb.gone) {
        sb.active++;
        sb.lastUsedAt = this.clock.now();
        this.updateGauges();
        return sb;
      }
      if (attempt > 3) throw new Error('the sandbox kept disappearing while it was being claimed');
    }
  }

  release(sb: Sandbox): void {
    sb.active = Math.max(0, sb.active - 1);
    sb.lastUsedAt = this.clock.now();
    this.updateGauges();
  }

  /** The death notice for the user's previous sandbox, once. */
  takeDeathNotice(userId: string): DeathNotice | undefined {
    const name = this.nameFor(userId);
    const d = this.deaths.get(name);
    this.deaths.delete(name);
    return d;
  }

  async ensure(userId: string): Promise<Sandbox> {
    const name = this.nameFor(userId);
    const existing = this.sandboxes.get(name);
    if (existing && !existing.gone) {
      existing.userId ??= userId;
      return existing;
    }
    await this.untilAdopted(name);
    return this.withLock(name, async () => {
      const sb = this.sandboxes.get(name);
      if (sb && !sb.gone) return sb;
      return this.provision(name, userId);
    });
  }

  /** Replaces the user's container with a fresh one and returns when the new one answers. */
  async reset(userId: string): Promise<Sandbox> {
    const name = this.nameFor(userId);
    await this.untilAdopted(name);
    return this.withLock(name, async () => {
      if (this.draining) throw new DrainingError();
      const old = this.sandboxes.get(name);
      const oldId = old?.containerId ?? (await this.runtime.inspect(name))?.id;
      if (oldId) await this.retire(oldId, old, 'reset');
      return this.provision(name, userId);
    });
  }

  /** Removes the user's sandbox (admin). Returns false when there was none. */
  async removeUser(userId: string, reason: ReapReason = 'removed'): Promise<boolean> {
    const name = this.nameFor(userId);
    await this.untilAdopted(name);
    return this.withLock(name, async () => {
      const sb = this.sandboxes.get(name);
      const id = sb?.containerId ?? (await this.runtime.inspect(name))?.id;
      if (!id) return false;
      await this.retire(id, sb, reason);
      return true;
    });
  }

  list(): Sandbox[] {
    return [...this.sandboxes.values()];
  }

  /**
   * Replaces a sandbox the controller cannot bring back under control (a statement it could not
   * stop, a container that does not answer). The user's next exec gets a fresh one and is told why.
   */
  replace(sb: Sandbox, cause: 'unresponsive' | 'unstoppable', detail?: string): void {
    this.markDead(sb, cause, detail);
  }

  // ---- reaper ---------------------------------------------------------------------------------

  /** Finds (and unless dryRun, removes) idle and over-age sandboxes. A busy one is never reaped. */
  async sweep(opts: { dryRun?: boolean; idleMs?: number } = {}): Promise<ReapCandidate[]> {
    const now = this.clock.now();
    const idleLimit = opts.idleMs ?? this.config.idleTimeoutMs;
    const found: ReapCandidate[] = [];
    for (const sb of this.sandboxes.values()) {
      if (sb.active > 0 || sb.gone) continue;
      const idleMs = now - sb.lastUsedAt;
      const reason: ReapReason | undefined =
        idleMs >= idleLimit ? 'idle' : now - sb.claimedAt >= this.config.maxLifetimeMs ? 'lifetime' : undefined;
      if (reason) found.push({ userId: sb.userId, container: sb.name, reason, idleMs });
    }
    if (!opts.dryRun) {
      for (const c of found) {
        const sb = this.sandboxes.get(c.container);
        if (sb && sb.active === 0 && !sb.gone) await this.retire(sb.containerId, sb, c.reason);
      }
    }
    return found;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.recovered) await this.recover();
      else await this.reconcile();
      await this.sweep();
      await this.refreshImage();
      this.refill();
    } catch (e) {
      this.log.event('warn', 'fleet', 'sweep failed', { error: (e as Error).message });
    }
  }

  // ---- pool -----------------------------------------------------------------------------------

  get poolStatus(): { target: number; ready: number; starting: number; draining: boolean } {
    return { target: this.poolTarget, ready: this.pool.length, starting: this.poolStarting, draining: this.draining };
  }

  setPoolTarget(n: number): void {
    this.poolTarget = n;
    this.metrics.poolTarget.set(n);
    while (this.pool.length > n) {
      const e = this.pool.pop() as PoolEntry;
      this.discardPoolEntry(e);
    }
    this.poolRetryAt = 0;
    this.refill();
  }

  setDraining(on: boolean): void {
    this.draining = on;
    this.log.event('info', 'fleet', on ? 'draining: no new sandboxes' : 'undrained');
    if (!on) this.refill();
  }

  /** Starts pool containers in the background until the pool is at its target. */
  refill(): void {
    if (this.stopped || this.draining || !this.recovered || this.clock.now() < this.poolRetryAt) return;
    while (this.pool.length + this.poolStarting < this.poolTarget) {
      this.poolStarting++;
      this.track(
        this.startPoolContainer()
          .then((entry) => {
            if (this.pool.length < this.poolTarget && !this.stopped) {
              this.pool.push(entry);
              this.log.event('info', 'fleet', 'pool container ready', { container: entry.name });
            } else this.discardPoolEntry(entry);
          })
          .catch((e: Error) => {
            this.poolRetryAt = this.clock.now() + 5000;
            this.log.event('error', 'fleet', 'pool start failed', { error: e.message });
          })
          .finally(() => {
            this.poolStarting--;
            this.updateGauges();
            this.refill();
          }),
      );
    }
    this.updateGauges();
  }

  private async startPoolContainer(): Promise<PoolEntry> {
    const name = `${this.config.prefix}-pool-${randomBytes(6).toString('hex')}`;
    return this.slots.run(async () => {
      const info = await this.runtime.start(this.spec(name));
      try {
        const client = await this.connector.waitReady(info.socketDir, this.config.readyTimeoutMs);
        return {
          containerId: info.id,
          name,
          socketDir: info.socketDir,
          createdAt: this.clock.now(),
          imageId: this.currentImageId ?? '',
          client,
        };
      } catch (e) {
        await this.runtime.remove(info.id).catch(() => undefined);
        throw e;
      }
    }, false);
  }

  private discardPoolEntry(e: PoolEntry): void {
    e.client.end().catch(() => undefined);
    this.track(this.runtime.remove(e.containerId).catch(() => undefined));
  }

  // ---- provisioning ---------------------------------------------------------------------------

  private spec(name: string) {
    return {
      name,
      image: this.config.image,
      labels: {
        'pgsbx.prefix': this.config.prefix,
        'pgsbx.image': this.config.image,
        'pgsbx.created-at': new Date(this.clock.now()).toISOString(),
      },
      memoryBytes: this.config.memoryBytes,
      dataBytes: this.config.dataBytes,
      cpus: this.config.cpus,
      pidsLimit: this.config.pidsLimit,
    };
  }

  private provision(name: string, userId: string): Promise<Sandbox> {
    return this.provisionOnce(name, userId, false);
  }

  private async provisionOnce(name: string, userId: string, retried: boolean): Promise<Sandbox> {
    if (this.draining) throw new DrainingError();
    this.provisioning.add(name);
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
      const ms = this.clock.now() - started;
      const source = sb.source === 'pool' ? 'pool' : 'cold';
      this.metrics.provisionSeconds.observe({ source }, ms / 1000);
      const window = this.latencies[source];
      window.push(ms);
      if (window.length > LATENCY_WINDOW) window.shift();
      this.register(sb);
      this.log.event('info', 'fleet', 'sandbox ready', { user: userId, container: name, source, ms });
      return sb;
    } finally {
      this.provisioning.delete(name);
      this.refill();
    }
  }

  private async claimFromPool(name: string, userId: string): Promise<Sandbox | 'conflict' | null> {
    while (this.pool.length) {
      const entry = this.pool.shift() as PoolEntry;
      if (this.currentImageId && entry.imageId && entry.imageId !== this.currentImageId) {
        this.discardPoolEntry(entry);
        continue;
      }
      try {
        await this.runtime.rename(entry.containerId, name);
      } catch (e) {
        if (e instanceof NameConflictError) {
          this.pool.unshift(entry);
          return 'conflict';
        }
        entry.client.end().catch(() => undefined);
        if (e instanceof ContainerNotFoundError) continue;
        throw e;
      }
      const sb = new Sandbox(
        name,
        entry.containerId,
        entry.socketDir,
        entry.createdAt,
        entry.imageId,
        this.clock.now(),
        'pool',
        userId,
      );
      sb.warmClient = entry.client;
      return sb;
    }
    return null;
  }

  private async startCold(name: string, userId: string): Promise<Sandbox> {
    return this.slots.run(async () => {
      const info = await this.runtime.start(this.spec(name));
      try {
        const client = await this.connector.waitReady(info.socketDir, this.config.readyTimeoutMs);
        const sb = new Sandbox(
          name,
          info.id,
          info.socketDir,
          this.clock.now(),
          this.currentImageId ?? '',
          this.clock.now(),
          'cold',
          userId,
        );
        sb.warmClient = client;
        return sb;
      } catch (e) {
        await this.runtime.remove(info.id).catch(() => undefined);
        throw e;
      }
    });
  }

  /** Another controller, or this one before a restart, holds the name: use that container. */
  private async adoptExisting(name: string, userId: string, retried = false): Promise<Sandbox> {
    const info = await this.runtime.inspect(name);
    if (!info && retried) throw new Error(`container ${name} vanished while being claimed; try again`);
    if (!info || !info.running || info.oomKilled) {
      // A dead or dying container still holds the name: clear it away and start over.
      if (info) await this.retire(info.id, undefined, 'died');
      if (retried) throw new Error(`container ${name} could not be replaced; try again`);
      return this.provisionOnce(name, userId, true);
    }
    const sb = await this.adopt(info, userId);
    if (sb) return sb;
    if (retried) throw new Error(`container ${name} could not be replaced; try again`);
    return this.provisionOnce(name, userId, true);
  }

  /**
   * Takes over a running container that holds a user's name, within a short bound (recovery.ts).
   * One that does not answer is retired and its user told why on the next exec: null.
   */
  private async adopt(info: ContainerInfo, userId: string | undefined): Promise<Sandbox | null> {
    let client: SandboxConnection;
    try {
      client = await adoptionConnection(this.connector, info, this.config.readyTimeoutMs);
    } catch (e) {
      const cause = (e as Error).message;
      this.log.event('warn', 'fleet', 'could not adopt sandbox; replacing it', { user: userId, container: info.name, error: cause });
      this.deaths.set(info.name, { reason: unusableNotice(cause), at: this.clock.now(), container: info.name });
      await this.retire(info.id, undefined, 'unresponsive');
      return null;
    }
    const now = this.clock.now();
    const sb = new Sandbox(info.name, info.id, info.socketDir, info.createdAt.getTime(), info.imageId, now, 'adopted', userId);
    sb.warmClient = client;
    this.register(sb);
    return sb;
  }

  private async makeRoom(name: string): Promise<void> {
    const inUse = this.sandboxes.size + [...this.provisioning].filter((n) => n !== name && !this.sandboxes.has(n)).length;
    if (inUse < this.config.maxSandboxes) return;
    let lru: Sandbox | undefined;
    for (const sb of this.sandboxes.values()) {
      if (sb.active === 0 && !sb.gone && (!lru || sb.lastUsedAt < lru.lastUsedAt)) lru = sb;
    }
    if (!lru) throw new CapacityError(30);
    this.log.event('info', 'fleet', 'evicting least recently used sandbox', { user: lru.userId, container: lru.name });
    await this.retire(lru.containerId, lru, 'evicted');
  }

  private register(sb: Sandbox): void {
    this.sandboxes.set(sb.name, sb);
    this.byContainer.set(sb.containerId, sb);
    this.updateGauges();
  }

  private unregister(sb: Sandbox): void {
    if (sb.gone) return;
    sb.gone = true;
    if (this.sandboxes.get(sb.name) === sb) this.sandboxes.delete(sb.name);
    this.byContainer.delete(sb.containerId);
    sb.takeWarmClient()?.end().catch(() => undefined);
    this.removed$.next(sb);
    this.updateGauges();
  }

  /**
   * Frees the name at once (rename to a `-gone-` name), forgets the sandbox, and removes the
   * container in the background: the user's next sandbox need not wait for Docker's removal.
   */
  private async retire(containerId: string, sb: Sandbox | undefined, reason: ReapReason): Promise<void> {
    if (sb) {
      sb.endedBecause ??= RETIRED_BECAUSE[reason];
      this.unregister(sb);
    }
    try {
      await this.runtime.rename(containerId, `${this.config.prefix}-gone-${randomBytes(6).toString('hex')}`);
    } catch (e) {
      if (!(e instanceof ContainerNotFoundError)) throw e;
    }
    this.track(
      this.runtime.remove(containerId).catch((e: Error) =>
        this.log.event('warn', 'fleet', 'remove failed; the next recovery retries', { container: containerId, error: e.message }),
      ),
    );
    this.countReap(reason);
    this.log.event('info', 'fleet', 'sandbox removed', { user: sb?.userId, container: sb?.name ?? containerId, reason });
  }

  private countReap(reason: ReapReason): void {
    this.reapCounts[reason] = (this.reapCounts[reason] ?? 0) + 1;
    this.metrics.reaps.inc({ reason });
  }

  // ---- restart recovery and events ------------------------------------------------------------

  /**
   * Adopts this fleet's containers from the engine after a (re)start; removes the dead ones.
   * Each adoption is bounded (recovery.ts) and holds its user's name lock, a few run at once,
   * and a user's request runs theirs at once (untilAdopted): one wedged container delays
   * nobody but its own user, who gets a fresh sandbox and a notice saying why.
   */
  recover(): Promise<void> {
    this.recovering ??= this.recoverOnce().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async recoverOnce(): Promise<void> {
    let infos: ContainerInfo[];
    try {
      await this.refreshImage();
      infos = await this.runtime.list({ 'pgsbx.prefix': this.config.prefix });
    } finally {
      this.markListed(); // requests go ahead even when the engine is away (they get its error)
    }
    const known = new Set([...this.byContainer.keys(), ...this.pool.map((p) => p.containerId)]);
    const jobs: Promise<void>[] = [];
    for (const info of infos.filter((i) => !known.has(i.id))) {
      const { kind, userId } = containerKind(this.config.prefix, info.name);
      if (kind === 'user') {
        // Queued and locked now, synchronously: no request for this user can slip in first.
        const done = this.adoptions.add(info.name, () => this.recoverUser(info, userId));
        void this.withLock(info.name, () => done);
        jobs.push(done);
      } else if (!info.running || kind === 'gone' || kind === 'unknown') {
        jobs.push(this.runtime.remove(info.id).catch(() => undefined));
      } else if (this.currentImageId && info.imageId !== this.currentImageId) {
        jobs.push(this.runtime.remove(info.id).catch(() => undefined));
      } else {
        jobs.push(this.adoptions.add(info.name, () => this.recoverPoolEntry(info)));
      }
    }
    await Promise.all(jobs);
    const pruned = await this.runtime.pruneSocketVolumes({ 'pgsbx.prefix': this.config.prefix }).catch(() => 0);
    this.recovered = true;
    this.log.event('info', 'fleet', 'recovered', { sandboxes: this.sandboxes.size, pool: this.pool.length, prunedSocketVolumes: pruned });
    this.refill();
  }

  private async recoverUser(info: ContainerInfo, userId: string | undefined): Promise<void> {
    // A retried recovery runs while requests are served: the name may be provisioned meanwhile.
    if (this.byContainer.has(info.id) || this.sandboxes.has(info.name)) return;
    if (!info.running) {
      // Its data is gone with it; say so on the user's next exec instead of starting them afresh silently.
      this.deaths.set(info.name, {
        reason: unusableNotice(`it was not running: ${info.exitReason ?? 'stopped'}`),
        at: this.clock.now(),
        container: info.name,
      });
      await this.retire(info.id, undefined, 'died');
      return;
    }
    if (await this.adopt(info, userId)) {
      this.log.event('info', 'fleet', 'adopted sandbox', { user: userId, container: info.name });
    }
  }

  private async recoverPoolEntry(info: ContainerInfo): Promise<void> {
    try {
      const client = await adoptionConnection(this.connector, info, this.config.readyTimeoutMs);
      this.pool.push({
        containerId: info.id,
        name: info.name,
        socketDir: info.socketDir,
        createdAt: info.createdAt.getTime(),
        imageId: info.imageId,
        client,
      });
    } catch (e) {
      this.log.event('warn', 'fleet', 'could not adopt; removing', { container: info.name, error: (e as Error).message });
      await this.runtime.remove(info.id).catch(() => undefined);
    }
  }

  /** Waits (bounded) for the start-up listing, then runs this name's adoption now if it still waits. */
  private async untilAdopted(name: string): Promise<void> {
    if (!this.recovered) {
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
    for (const sb of [...this.sandboxes.values()]) {
      const info = byId.get(sb.containerId);
      if (sb.claimedAt >= listedAt && !info) continue;
      // A paused container is listed as not running; it is not dead, but it cannot serve either.
      const cause = info?.oomKilled ? 'oom' : /paused/i.test(info?.exitReason ?? '') ? 'unresponsive' : (info?.exitReason ?? 'gone');
      if (!info || !info.running) this.markDead(sb, cause);
    }
    for (let i = this.pool.length - 1; i >= 0; i--) {
      const info = byId.get(this.pool[i].containerId);
      if (this.pool[i].createdAt >= listedAt && !info) continue;
      if (!info || !info.running) this.discardPoolEntry(this.pool.splice(i, 1)[0]);
    }
    const tracked = new Set([...this.byContainer.keys(), ...this.pool.map((p) => p.containerId)]);
    const settledBefore = this.clock.now() - this.config.readyTimeoutMs - 10_000;
    for (const info of infos) {
      if (!info.running && !tracked.has(info.id) && info.createdAt.getTime() < settledBefore) {
        this.track(this.runtime.remove(info.id).catch(() => undefined));
      }
    }
  }

  private async refreshImage(): Promise<void> {
    this.currentImageId = await this.runtime.imageId(this.config.image);
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    if (e.kind === 'resync') {
      if (this.recovered) {
        this.reconcile()
          .then(() => this.refill())
          .catch((err: Error) => this.log.event('warn', 'fleet', 'reconcile failed', { error: err.message }));
      }
      return;
    }
    if (e.kind === 'oom') this.oomSeen.add(e.id);
    if (e.kind !== 'die' && e.kind !== 'oom') return;
    const sb = this.byContainer.get(e.id);
    if (sb) this.markDead(sb, e.kind === 'oom' || this.oomSeen.has(e.id) ? 'oom' : `exit ${e.exitCode ?? '?'}`);
    const i = sb ? -1 : this.pool.findIndex((p) => p.containerId === e.id);
    if (i >= 0) {
      const [entry] = this.pool.splice(i, 1);
      this.discardPoolEntry(entry);
      this.refill();
    }
    if (e.kind === 'die') this.oomSeen.delete(e.id);
  }

  /**
   * A session lost its connection: ask the engine whether the container died or hit its memory
   * limit (the event may not have arrived yet). Returns true when the sandbox was replaced.
   */
  async checkAlive(sb: Sandbox): Promise<boolean> {
    if (sb.gone) return true;
    const info = await this.runtime.inspect(sb.containerId).catch(() => null);
    const oom = this.oomSeen.has(sb.containerId) || info?.oomKilled === true;
    if (!info || !info.running || oom) {
      this.markDead(sb, oom ? 'oom' : (info?.exitReason ?? 'gone'));
      return true;
    }
    return false;
  }

  /** `cause`: `oom`, `unresponsive`, `unstoppable`, or the engine's exit reason (`exit 1`). */
  private markDead(sb: Sandbox, cause: string, detail?: string): void {
    if (sb.gone) return;
    const what =
      cause === 'oom'
        ? `ran out of memory at its limit of ${Math.round(this.config.memoryBytes / 1024 / 1024)} MB`
        : cause === 'unresponsive'
          ? 'did not respond (paused or stuck)'
          : cause === 'unstoppable'
            ? `refused the controller's connection to stop a statement${detail ? ` (${detail})` : ''}`
            : `stopped (${cause})`;
    sb.endedBecause = `${what} and was replaced`;
    const reason = `your previous sandbox ${what} and was replaced with a fresh one`;
    this.deaths.set(sb.name, { reason, at: this.clock.now(), container: sb.name });
    this.log.event('warn', 'fleet', 'sandbox died', { user: sb.userId, container: sb.name, cause, detail });
    this.unregister(sb);
    // Under the user's lock, so their next request finds the name free.
    this.track(this.withLock(sb.name, () => this.retire(sb.containerId, undefined, 'died')).catch(() => undefined));
  }

  // ---- facts for status, admin and metrics ----------------------------------------------------

  stats() {
    const pct = (xs: number[], p: number) => {
      if (!xs.length) return null;
      const s = [...xs].sort((a, b) => a - b);
      return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
    };
    const all = this.list();
    return {
      sandboxes: all.length,
      busy: all.filter((s) => s.active > 0).length,
      starting: this.provisioning.size,
      capacity: this.config.maxSandboxes,
      pool: this.poolStatus,
      provisioningMs: {
        pool: { count: this.latencies.pool.length, p50: pct(this.latencies.pool, 50), p95: pct(this.latencies.pool, 95) },
        cold: { count: this.latencies.cold.length, p50: pct(this.latencies.cold, 50), p95: pct(this.latencies.cold, 95) },
      },
      reaps: { ...this.reapCounts },
      image: this.config.image,
      imagePresent: this.currentImageId !== null,
    };
  }

  /** Waits for background removals (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    p.finally(() => this.background.delete(p)).catch(() => undefined);
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  private updateGauges(): void {
    let busy = 0;
    for (const sb of this.sandboxes.values()) if (sb.active > 0) busy++;
    this.metrics.sandboxes.set({ state: 'busy' }, busy);
    this.metrics.sandboxes.set({ state: 'ready' }, this.sandboxes.size - busy);
    this.metrics.sandboxes.set({ state: 'starting' }, this.provisioning.size);
    this.metrics.poolSize.set(this.pool.length);
  }
}
