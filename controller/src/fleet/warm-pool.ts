import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { MetricsService } from '../common/metrics.service';
import { AppConfig } from '../config/app-config';
import type { SandboxConnection } from '../database/sandbox-connection';
import { ContainerRuntime, SandboxEndpoint } from '../runtime/container-runtime';
import { BackgroundTasks } from './background-tasks';
import { ContainerStarter } from './container-starter';
import { CurrentImage } from './current-image';

/** A started, answering container no user has yet. */
export interface PoolEntry {
  containerId: string;
  name: string;
  endpoint: SandboxEndpoint;
  createdAt: number;
  imageId: string;
  client: SandboxConnection;
  /** The swarm node it runs on (undefined on one engine). */
  node?: string;
}

export interface PoolStatus {
  target: number;
  ready: number;
  starting: number;
  draining: boolean;
}

/** After a failed start, the pool waits this long before starting more. */
const RETRY_AFTER_FAILURE_MS = 5000;

/**
 * Containers started ahead of demand, so a new user's wait is a rename, not a Postgres start.
 * Refills in the background up to its target, only once recovery has run (it must first know
 * which pool containers survived a restart) and never while the fleet is draining.
 */
@Injectable()
export class WarmPool {
  private readonly entries: PoolEntry[] = [];
  private starting = 0;
  private target: number;
  private retryAt = 0;
  private draining = false;
  private open = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
    private readonly starter: ContainerStarter,
    private readonly image: CurrentImage,
    private readonly background: BackgroundTasks,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly log: JsonLogger,
  ) {
    this.target = config.warmPool;
    this.metrics.poolTarget.set(this.target);
  }

  get status(): PoolStatus {
    return { target: this.target, ready: this.entries.length, starting: this.starting, draining: this.draining };
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get size(): number {
    return this.entries.length;
  }

  containerIds(): string[] {
    return this.entries.map((e) => e.containerId);
  }

  setTarget(n: number): void {
    this.target = n;
    this.metrics.poolTarget.set(n);
    while (this.entries.length > n) this.discard(this.entries.pop() as PoolEntry);
    this.retryAt = 0;
    this.refill();
  }

  setDraining(on: boolean): void {
    this.draining = on;
    this.log.event('info', 'fleet', on ? 'draining: no new sandboxes' : 'undrained');
    if (!on) this.refill();
  }

  /** Recovery has run: the pool may fill from now on. */
  openForRefill(): void {
    this.open = true;
  }

  /** Starts pool containers in the background until the pool is at its target. */
  refill(): void {
    if (this.stopped || this.draining || !this.open || this.clock.now() < this.retryAt) return;
    while (this.entries.length + this.starting < this.target) {
      this.starting++;
      this.background.track(
        this.startOne()
          .then((entry) => {
            if (this.entries.length < this.target && !this.stopped) {
              this.entries.push(entry);
              this.log.event('info', 'fleet', 'pool container ready', { container: entry.name });
            } else this.discard(entry);
          })
          .catch((e: Error) => {
            this.retryAt = this.clock.now() + RETRY_AFTER_FAILURE_MS;
            this.log.event('error', 'fleet', 'pool start failed', { error: e.message });
          })
          .finally(() => {
            this.starting--;
            this.updateGauge();
            this.refill();
          }),
      );
    }
    this.updateGauge();
  }

  /** The oldest entry of the current image, or undefined; outdated ones met on the way are discarded. */
  take(): PoolEntry | undefined {
    for (;;) {
      const entry = this.entries.shift();
      if (!entry || !this.image.isOutdated(entry.imageId)) {
        this.updateGauge();
        return entry;
      }
      this.discard(entry);
    }
  }

  /** Puts back an entry take() returned and the caller could not use (it goes first again). */
  putBack(entry: PoolEntry): void {
    this.entries.unshift(entry);
    this.updateGauge();
  }

  /** An entry found running at start-up. */
  adopt(entry: PoolEntry): void {
    this.entries.push(entry);
    this.updateGauge();
  }

  /** Drops the entries `dead` says are no longer usable; true when one was dropped. */
  dropWhere(dead: (entry: PoolEntry) => boolean): boolean {
    let dropped = false;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (dead(this.entries[i])) {
        this.discard(this.entries.splice(i, 1)[0]);
        dropped = true;
      }
    }
    if (dropped) this.updateGauge();
    return dropped;
  }

  /** Closes the entries' connections; the containers stay for the next controller to adopt. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const e of this.entries)
      await e.client.end().catch(warnOnFailure(this.log, 'fleet', 'closing a pool connection failed', { container: e.name }));
  }

  private async startOne(): Promise<PoolEntry> {
    const name = `${this.config.prefix}-pool-${randomBytes(6).toString('hex')}`;
    const { info, client } = await this.starter.start(name, false);
    return {
      containerId: info.id,
      name,
      endpoint: info.endpoint,
      createdAt: this.clock.now(),
      imageId: this.image.id ?? '',
      client,
      node: info.node,
    };
  }

  private discard(e: PoolEntry): void {
    e.client.end().catch(warnOnFailure(this.log, 'fleet', 'closing a pool connection failed', { container: e.name }));
    this.background.track(
      this.runtime.remove(e.containerId).catch(warnOnFailure(this.log, 'fleet', 'removing a pool container failed', { container: e.name })),
    );
  }

  private updateGauge(): void {
    this.metrics.poolSize.set(this.entries.length);
  }
}
