import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { AppConfig } from '../config/app-config';
import { Sandbox } from '../domain/sandbox';
import { ContainerRuntime } from '../runtime/container-runtime';
import { ControlStore } from '../control/control-store';
import { BackgroundTasks } from './background-tasks';
import { DeathNotices } from './death-notices';
import { FleetStats } from './fleet-stats';
import { RETIRED_BECAUSE, ReapReason, diedBecause } from './retire-reasons';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';

/** Takes sandboxes out of service: the one way a user's container leaves the fleet. */
@Injectable()
export class Retirement {
  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
    private readonly registry: SandboxRegistry,
    private readonly lock: UserLock,
    private readonly deaths: DeathNotices,
    private readonly stats: FleetStats,
    private readonly background: BackgroundTasks,
    private readonly control: ControlStore,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
  ) {}

  /**
   * Frees the name at once (runtime.release: Docker renames to a `-gone-` name), forgets the sandbox, and removes the
   * container in the background: the user's next sandbox need not wait for Docker's removal.
   * The caller holds the user's lock.
   */
  async retire(containerId: string, sb: Sandbox | undefined, reason: ReapReason): Promise<void> {
    if (sb) {
      sb.endedBecause ??= RETIRED_BECAUSE[reason];
      this.registry.unregister(sb);
    }
    await this.runtime.release(containerId);
    this.background.track(
      this.runtime
        .remove(containerId)
        .catch((e: Error) =>
          this.log.event('warn', 'fleet', 'remove failed; the next recovery retries', { container: containerId, error: e.message }),
        ),
    );
    this.stats.countReap(reason);
    this.log.event('info', 'fleet', 'sandbox removed', { user: sb?.userId, container: sb?.name ?? containerId, reason });
  }

  /**
   * The sandbox died or cannot be brought back under control: forget it now, tell the user on
   * their next exec, and retire the container under the user's lock, so their next request finds
   * the name free. `cause`: `oom`, `unresponsive`, `unstoppable`, or the engine's exit reason.
   */
  markDead(sb: Sandbox, cause: string, detail?: string): void {
    if (sb.gone) return;
    const what = diedBecause(cause, this.config.memoryBytes, detail);
    sb.endedBecause = `${what} and was replaced`;
    const reason = `your previous sandbox ${what} and was replaced with a fresh one`;
    this.deaths.record(sb.name, { reason, at: this.clock.now(), container: sb.name });
    this.log.event('warn', 'fleet', 'sandbox died', { user: sb.userId, container: sb.name, cause, detail });
    this.registry.unregister(sb);
    this.background.track(
      this.lock
        .run(sb.name, async () => {
          await this.comeBackFromArchive(sb.userId);
          await this.retire(sb.containerId, undefined, 'died');
        })
        .catch(warnOnFailure(this.log, 'fleet', 'retiring a dead sandbox failed', { container: sb.name })),
    );
  }

  /**
   * A user who has a latest archive (autosave, or the hibernation they last woke from) gets it
   * back in their next container: marked hibernated, so the next request wakes it. Losing work
   * since that save beats losing everything (docs/HIBERNATION.md, "Lost containers").
   */
  private async comeBackFromArchive(userId: string | undefined): Promise<void> {
    if (!userId || !this.config.hibernate) return;
    if (await this.control.archive(userId, 'hibernation', 'latest')) await this.control.setHibernated(userId, true);
  }
}
