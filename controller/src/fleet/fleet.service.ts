import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Observable, Subscription, interval } from 'rxjs';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { AppConfig } from '../config/app-config';
import { Sandbox } from '../domain/sandbox';
import { userContainerName } from '../domain/sandbox-names';
import { ContainerRuntime } from '../runtime/container-runtime';
import { ControlStore } from '../control/control-store';
import { Autosave } from './autosave';
import { BackgroundTasks } from './background-tasks';
import { CurrentImage } from './current-image';
import { DeathNotice, DeathNotices } from './death-notices';
import { FleetStats, FleetStatsView } from './fleet-stats';
import { Hibernation } from './hibernation';
import { UsageRecorder } from './usage-recorder';
import { ArchiveRetention } from '../archive/retention';
import { Provisioner } from './provisioner';
import { ReapCandidate, Reaper } from './reaper';
import { Recovery } from './recovery';
import type { ReapReason } from './retire-reasons';
import { Retirement } from './retirement';
import { RuntimeEventListener } from './runtime-event-listener';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';
import { PoolStatus, WarmPool } from './warm-pool';

const ARCHIVE_SWEEP_EVERY_MS = 5 * 60_000;

/**
 * The fleet's one entry point for the rest of the controller (sessions, admin, health): a user's
 * sandbox by user id, under that user's lock. It also runs the fleet's life: the event stream,
 * the periodic sweep, and recovery at start-up. The work itself is in the parts it calls.
 */
@Injectable()
export class FleetService implements OnApplicationBootstrap, OnModuleDestroy {
  private subs: Subscription[] = [];
  private stopped = false;
  private lastArchiveSweep = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
    private readonly registry: SandboxRegistry,
    private readonly lock: UserLock,
    private readonly pool: WarmPool,
    private readonly provisioner: Provisioner,
    private readonly retirement: Retirement,
    private readonly reaper: Reaper,
    private readonly recovery: Recovery,
    private readonly events: RuntimeEventListener,
    private readonly deaths: DeathNotices,
    private readonly image: CurrentImage,
    private readonly fleetStats: FleetStats,
    private readonly background: BackgroundTasks,
    private readonly hibernation: Hibernation,
    private readonly usage: UsageRecorder,
    private readonly retention: ArchiveRetention,
    private readonly autosave: Autosave,
    private readonly control: ControlStore,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
  ) {}

  /** Fires when a sandbox's container is gone or going, so its sessions can close. */
  get removed$(): Observable<Sandbox> {
    return this.registry.removed$;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subs.push(
      this.runtime.events({ 'pgsbx.prefix': this.config.prefix }).subscribe({
        next: (e) => this.events.handle(e),
        error: (err: Error) => this.log.event('error', 'fleet', 'event stream failed', { error: err.message }),
      }),
    );
    this.subs.push(interval(this.config.reapIntervalMs, this.clock.scheduler).subscribe(() => void this.tick()));
    // In the background: the API serves while containers are adopted; a user's request waits
    // for that user's adoption only (untilAdopted).
    this.background.track(
      this.recover().catch((e: Error) => this.log.event('error', 'fleet', 'recovery failed; will retry', { error: e.message })),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.subs.forEach((s) => s.unsubscribe());
    if (this.config.hibernate && this.config.hibernateOnShutdown) await this.hibernateBeforeShutdown();
    await this.pool.stop();
    for (const sb of this.registry.list()) {
      await sb
        .takeWarmClient()
        ?.end()
        .catch(warnOnFailure(this.log, 'fleet', 'closing a sandbox connection failed', { container: sb.name }));
    }
  }

  // ---- what users ask for -------------------------------------------------------------------

  nameFor(userId: string): string {
    return userContainerName(this.config.prefix, userId, this.config.runtime);
  }

  find(userId: string): Sandbox | undefined {
    return this.registry.get(this.nameFor(userId));
  }

  isStarting(userId: string): boolean {
    return this.registry.isProvisioning(this.nameFor(userId));
  }

  /** The user's sandbox, marked busy; call release() when the statement batch ends. */
  async acquire(userId: string): Promise<Sandbox> {
    for (let attempt = 0; ; attempt++) {
      const sb = await this.ensure(userId);
      if (!sb.gone) {
        this.registry.use(sb, this.clock.now());
        return sb;
      }
      if (attempt > 3) throw new Error('the sandbox kept disappearing while it was being claimed');
    }
  }

  release(sb: Sandbox): void {
    const now = this.clock.now();
    this.registry.release(sb, now);
    if (sb.userId) this.usage.touch(sb.userId, now);
  }

  /** The death notice for the user's previous sandbox, once. */
  takeDeathNotice(userId: string): DeathNotice | undefined {
    return this.deaths.take(this.nameFor(userId));
  }

  async ensure(userId: string): Promise<Sandbox> {
    const name = this.nameFor(userId);
    const existing = this.registry.get(name);
    if (existing && !existing.gone && !existing.hibernating) {
      existing.userId ??= userId;
      return existing;
    }
    await this.recovery.untilAdopted(name);
    return this.lock.run(name, async () => {
      const sb = this.registry.get(name);
      if (sb && !sb.gone) return sb;
      return this.provisioner.provision(name, userId);
    });
  }

  /**
   * Replaces the user's container with a fresh one — an empty database, or the named checkpoint
   * restored into it — and returns when it answers. The user's hibernation archive goes (reset
   * is what wipes a user's data); their checkpoints stay.
   */
  async reset(userId: string, checkpoint?: string): Promise<Sandbox> {
    const name = this.nameFor(userId);
    await this.recovery.untilAdopted(name);
    return this.lock.run(name, async () => {
      // A missing or damaged checkpoint is refused before anything is wiped.
      if (checkpoint !== undefined) await this.hibernation.verifyCheckpoint(userId, checkpoint);
      if (checkpoint === undefined) {
        await this.hibernation.discardHibernation(userId);
        return this.provisioner.reset(name, userId);
      }
      // Saved first, so a checkpoint that will not restore leaves the database as it was.
      const current = this.registry.get(name);
      const kept = current && !current.gone ? await this.hibernation.autosave(current) : await this.hibernation.isHibernated(userId);
      if (!kept) await this.hibernation.discardHibernation(userId);
      await this.control.setHibernated(userId, false);
      const sb = await this.provisioner.reset(name, userId);
      try {
        sb.restored = await this.hibernation.restoreCheckpoint(sb, userId, checkpoint);
      } catch (e) {
        if (kept) await this.control.setHibernated(userId, true);
        this.retirement.markDead(sb, 'unresponsive', 'the checkpoint could not be restored');
        throw e;
      }
      await this.hibernation.discardHibernation(userId);
      return sb;
    });
  }

  // ---- hibernation and checkpoints (fleet/hibernation.ts does the work) ----------------------

  /** Saves the user's sandbox and removes it (admin, drain). */
  async hibernateUser(userId: string, reason: ReapReason = 'admin'): Promise<'hibernated' | 'none' | 'busy' | 'failed' | 'already'> {
    const name = this.nameFor(userId);
    await this.recovery.untilAdopted(name);
    return this.lock.run(name, async () => {
      const sb = this.registry.get(name);
      if (!sb || sb.gone) return (await this.hibernation.isHibernated(userId)) ? 'already' : 'none';
      if (sb.active > 0) return 'busy';
      return (await this.hibernation.hibernate(sb, reason)) ? 'hibernated' : 'failed';
    });
  }

  /** Hibernates every idle sandbox, a few at a time (shutdown, drain with hibernate). */
  async hibernateAll(reason: 'shutdown' | 'drain', signal?: AbortSignal): Promise<number> {
    const queue = this.registry.list().filter((sb) => sb.userId && sb.active === 0 && !sb.gone);
    let done = 0;
    const worker = async () => {
      for (let sb = queue.shift(); sb && !signal?.aborted; sb = queue.shift()) {
        const target = sb;
        if (await this.lock.run(target.name, () => this.hibernation.hibernate(target, reason))) done++;
      }
    };
    await Promise.all([worker(), worker()]);
    return done;
  }

  /** Saves what it can within SANDBOX_SHUTDOWN_GRACE; sandboxes not saved by then keep running and are adopted next start. */
  private async hibernateBeforeShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stop = new AbortController();
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.config.shutdownGraceMs)));
    const done = await Promise.race([this.hibernateAll('shutdown', stop.signal), grace]);
    clearTimeout(timer);
    stop.abort();
    if (done === 'late') this.log.event('warn', 'fleet', 'shutdown grace over; the rest of the sandboxes keep running', {});
  }

  async saveCheckpoint(userId: string, checkpoint: string) {
    const name = (await this.ensure(userId)).name;
    // Under the lock, the sandbox as it is then: a reset or hibernate may have replaced it meanwhile.
    return this.lock.run(name, async () => {
      const sb = this.registry.get(name) ?? (await this.provisioner.provision(name, userId));
      return this.hibernation.checkpoint(sb, userId, checkpoint);
    });
  }

  checkpoints(userId: string) {
    return this.hibernation.checkpoints(userId);
  }

  deleteCheckpoint(userId: string, checkpoint: string): Promise<boolean> {
    return this.lock.run(this.nameFor(userId), () => this.hibernation.deleteCheckpoint(userId, checkpoint));
  }

  /** The user's hibernation archive when they are hibernated (status), else null. */
  async savedDatabase(userId: string) {
    return (await this.hibernation.isHibernated(userId)) ? this.hibernation.hibernationArchive(userId) : null;
  }

  /** The restore in progress for the user, if any (status: "restoring your database…"). */
  wakeProgress(userId: string) {
    return this.hibernation.progress(this.nameFor(userId));
  }

  /** Removes the user's sandbox and every saved database of theirs (admin). False when there was neither. */
  async removeUser(userId: string, reason: ReapReason = 'removed'): Promise<boolean> {
    const name = this.nameFor(userId);
    await this.recovery.untilAdopted(name);
    return this.lock.run(name, async () => {
      const sb = this.registry.get(name);
      const id = sb?.containerId ?? (await this.runtime.inspect(name))?.id;
      if (id) await this.retirement.retire(id, sb, reason);
      const archives = await this.hibernation.forget(userId);
      this.usage.forget(userId);
      return !!id || archives > 0;
    });
  }

  list(): Sandbox[] {
    return this.registry.list();
  }

  /**
   * Replaces a sandbox the controller cannot bring back under control (a statement it could not
   * stop, a container that does not answer). The user's next exec gets a fresh one and is told why.
   */
  replace(sb: Sandbox, cause: 'unresponsive' | 'unstoppable', detail?: string): void {
    this.retirement.markDead(sb, cause, detail);
  }

  /** See RuntimeEventListener.checkAlive. */
  checkAlive(sb: Sandbox): Promise<boolean> {
    return this.events.checkAlive(sb);
  }

  // ---- operators ----------------------------------------------------------------------------

  sweep(opts: { dryRun?: boolean; idleMs?: number } = {}): Promise<ReapCandidate[]> {
    return this.reaper.sweep(opts);
  }

  get poolStatus(): PoolStatus {
    return this.pool.status;
  }

  setPoolTarget(n: number): void {
    this.pool.setTarget(n);
  }

  setDraining(on: boolean): void {
    this.pool.setDraining(on);
  }

  refill(): void {
    this.pool.refill();
  }

  recover(): Promise<void> {
    return this.recovery.recover();
  }

  reconcile(): Promise<void> {
    return this.recovery.reconcile();
  }

  stats(): FleetStatsView {
    return this.fleetStats.snapshot();
  }

  /** Waits for background removals (tests and shutdown). */
  settle(): Promise<void> {
    return this.background.settle();
  }

  /**
   * Retention walks the archive directory: every few minutes is plenty (it counts in days). On
   * the same slow beat, what removed sandboxes left behind (a crash mid-start: a swarm secret).
   */
  private async sweepArchives(): Promise<void> {
    await this.hibernation.countHibernated();
    const now = this.clock.now();
    if (now - this.lastArchiveSweep < ARCHIVE_SWEEP_EVERY_MS) return;
    this.lastArchiveSweep = now;
    await this.retention.sweep(new Date(now));
    await this.recovery.pruneLeftovers();
  }

  /** Every SANDBOX_REAP_INTERVAL: recover (until it once succeeds) or reconcile, sweep, refill. */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.recovery.recovered) await this.recovery.recover();
      else await this.recovery.reconcile();
      await this.reaper.sweep();
      this.autosave.sweepInBackground();
      await this.image.refresh();
      this.pool.refill();
      await this.sweepArchives();
    } catch (e) {
      this.log.event('warn', 'fleet', 'sweep failed', { error: (e as Error).message });
    }
  }
}
