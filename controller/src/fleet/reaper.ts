import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { ReapReason } from './retire-reasons';
import { Hibernation } from './hibernation';
import { Retirement } from './retirement';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';

export interface ReapCandidate {
  userId?: string;
  container: string;
  reason: ReapReason;
  idleMs: number;
}

/**
 * The culler: sandboxes idle past SANDBOX_IDLE_TIMEOUT or older than SANDBOX_MAX_LIFETIME are
 * hibernated (saved, then removed; SANDBOX_HIBERNATE=off: removed).
 */
@Injectable()
export class Reaper {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: SandboxRegistry,
    private readonly retirement: Retirement,
    private readonly hibernation: Hibernation,
    private readonly lock: UserLock,
    private readonly clock: Clock,
  ) {}

  /** Finds (and unless dryRun, removes) idle and over-age sandboxes. A busy one is never reaped. */
  async sweep(opts: { dryRun?: boolean; idleMs?: number } = {}): Promise<ReapCandidate[]> {
    const now = this.clock.now();
    const idleLimit = opts.idleMs ?? this.config.idleTimeoutMs;
    const found: ReapCandidate[] = [];
    for (const sb of this.registry.list()) {
      if (sb.active > 0 || sb.gone) continue;
      const idleMs = now - sb.lastUsedAt;
      const reason: ReapReason | undefined =
        idleMs >= idleLimit ? 'idle' : now - sb.claimedAt >= this.config.maxLifetimeMs ? 'lifetime' : undefined;
      if (reason) found.push({ userId: sb.userId, container: sb.name, reason, idleMs });
    }
    if (!opts.dryRun) {
      for (const c of found) {
        // Looked up again: a request may have claimed it, or it died, while earlier ones were retired.
        const sb = this.registry.get(c.container);
        if (!sb || sb.active > 0 || sb.gone || sb.hibernating) continue;
        // One that could not be saved lately (a lock held, a quota) waits: it must not hold up everyone else.
        if (this.config.hibernate && this.hibernation.recentlyFailed(sb)) continue;
        if (this.config.hibernate && sb.userId) await this.lock.run(sb.name, () => this.hibernation.hibernate(sb, c.reason));
        else await this.retirement.retire(sb.containerId, sb, c.reason);
      }
    }
    return found;
  }
}
