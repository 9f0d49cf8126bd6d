import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { MetricsService } from '../common/metrics.service';
import { Sandbox } from '../domain/sandbox';

/**
 * Who has which sandbox: the controller's belief, by container name (the user's lock, see
 * domain/sandbox-names.ts) and by container id (engine events name the id), plus the names being
 * provisioned right now. Keeps the sandbox gauges current.
 */
@Injectable()
export class SandboxRegistry {
  /** Fires when a sandbox's container is gone or going, so its sessions can close. */
  readonly removed$ = new Subject<Sandbox>();

  private readonly byName = new Map<string, Sandbox>();
  private readonly byContainer = new Map<string, Sandbox>();
  private readonly provisioning = new Set<string>();

  constructor(
    private readonly metrics: MetricsService,
    private readonly log: JsonLogger,
  ) {}

  get(name: string): Sandbox | undefined {
    return this.byName.get(name);
  }

  getByContainer(containerId: string): Sandbox | undefined {
    return this.byContainer.get(containerId);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  hasContainer(containerId: string): boolean {
    return this.byContainer.has(containerId);
  }

  list(): Sandbox[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }

  containerIds(): string[] {
    return [...this.byContainer.keys()];
  }

  register(sb: Sandbox): void {
    this.byName.set(sb.name, sb);
    this.byContainer.set(sb.containerId, sb);
    this.updateGauges();
  }

  /** Marks the sandbox gone, forgets it and tells its sessions; a second call does nothing. */
  unregister(sb: Sandbox): void {
    if (sb.gone) return;
    sb.gone = true;
    if (this.byName.get(sb.name) === sb) this.byName.delete(sb.name);
    this.byContainer.delete(sb.containerId);
    sb.takeWarmClient()
      ?.end()
      .catch(warnOnFailure(this.log, 'fleet', 'closing a sandbox connection failed', { container: sb.name }));
    this.removed$.next(sb);
    this.updateGauges();
  }

  isProvisioning(name: string): boolean {
    return this.provisioning.has(name);
  }

  get provisioningCount(): number {
    return this.provisioning.size;
  }

  /** Names being provisioned that have no sandbox yet, other than `name` (they will take a slot). */
  startingOtherThan(name: string): number {
    return [...this.provisioning].filter((n) => n !== name && !this.byName.has(n)).length;
  }

  beginProvisioning(name: string): void {
    this.provisioning.add(name);
  }

  endProvisioning(name: string): void {
    this.provisioning.delete(name);
    this.updateGauges();
  }

  /** Marks a statement batch started (busy) or ended on the sandbox. */
  use(sb: Sandbox, now: number): void {
    sb.active++;
    sb.lastUsedAt = now;
    this.updateGauges();
  }

  release(sb: Sandbox, now: number): void {
    sb.active = Math.max(0, sb.active - 1);
    sb.lastUsedAt = now;
    this.updateGauges();
  }

  private updateGauges(): void {
    let busy = 0;
    for (const sb of this.byName.values()) if (sb.active > 0) busy++;
    this.metrics.sandboxes.set({ state: 'busy' }, busy);
    this.metrics.sandboxes.set({ state: 'ready' }, this.byName.size - busy);
    this.metrics.sandboxes.set({ state: 'starting' }, this.provisioning.size);
  }
}
