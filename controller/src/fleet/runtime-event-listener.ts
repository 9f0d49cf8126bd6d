import { Injectable } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger';
import { Sandbox } from '../domain/sandbox';
import { ContainerRuntime, RuntimeEvent } from '../runtime/container-runtime';
import { Recovery } from './recovery';
import { Retirement } from './retirement';
import { SandboxRegistry } from './sandbox-registry';
import { WarmPool } from './warm-pool';

/**
 * Turns the engine's events into fleet state: a container that dies takes its sandbox (or pool
 * entry) with it, and an OOM kill is remembered so the death is told as one. When the event
 * stream comes back after the engine was away, the fleet is reconciled.
 */
@Injectable()
export class RuntimeEventListener {
  /** Containers the engine reported an OOM kill for, until their death is handled. */
  private readonly oomSeen = new Set<string>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly registry: SandboxRegistry,
    private readonly pool: WarmPool,
    private readonly recovery: Recovery,
    private readonly retirement: Retirement,
    private readonly log: JsonLogger,
  ) {}

  handle(e: RuntimeEvent): void {
    if (e.kind === 'resync') {
      if (this.recovery.recovered) {
        this.recovery
          .reconcile()
          .then(() => this.pool.refill())
          .catch((err: Error) => this.log.event('warn', 'fleet', 'reconcile failed', { error: err.message }));
      }
      return;
    }
    if (e.kind === 'oom') this.oomSeen.add(e.id);
    if (e.kind !== 'die' && e.kind !== 'oom') return;
    const sb = this.registry.getByContainer(e.id);
    if (sb) this.retirement.markDead(sb, e.kind === 'oom' || this.oomSeen.has(e.id) ? 'oom' : (e.reason ?? `exit ${e.exitCode ?? '?'}`));
    if (!sb && this.pool.dropWhere((p) => p.containerId === e.id)) this.pool.refill();
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
      this.retirement.markDead(sb, oom ? 'oom' : (info?.exitReason ?? 'gone'));
      return true;
    }
    return false;
  }
}
