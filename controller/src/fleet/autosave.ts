import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Hibernation } from './hibernation';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';

/** Saves per sweep, one after another: autosave must not crowd out the users' own work. */
const MAX_PER_SWEEP = 4;

/**
 * SANDBOX_AUTOSAVE: a sandbox used since its last save is saved again (as the user's latest
 * archive, without stopping it) once that save is SANDBOX_AUTOSAVE old, when it is idle. A lost
 * container — a dead node, an OOM kill — then comes back from that archive, so it loses at most
 * the work of one interval (issue 12's bound; docs/HIBERNATION.md).
 */
@Injectable()
export class Autosave {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: SandboxRegistry,
    private readonly hibernation: Hibernation,
    private readonly lock: UserLock,
    private readonly clock: Clock,
  ) {}

  /** The sandboxes due now, oldest save first. */
  due(now = this.clock.now()) {
    if (!this.config.autosaveMs || !this.config.hibernate) return [];
    return this.registry
      .list()
      .filter((sb) => sb.userId && !sb.gone && !sb.hibernating && sb.active === 0)
      .filter((sb) => sb.lastUsedAt > (sb.lastSavedAt ?? 0) && now - (sb.lastSavedAt ?? sb.claimedAt) >= this.config.autosaveMs)
      .sort((a, b) => (a.lastSavedAt ?? a.claimedAt) - (b.lastSavedAt ?? b.claimedAt))
      .slice(0, MAX_PER_SWEEP);
  }

  async sweep(): Promise<number> {
    let saved = 0;
    for (const sb of this.due()) {
      if (await this.lock.run(sb.name, () => (sb.active === 0 ? this.hibernation.autosave(sb) : Promise.resolve(false)))) saved++;
    }
    return saved;
  }
}
