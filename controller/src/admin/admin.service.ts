import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { ReapResult, RemoveResult, SandboxDetail, SandboxLogs, SandboxView } from '@pgsbx/contract';
import { Clock } from '../common/clock';
import { parseDuration } from '../common/duration';
import { AppConfig } from '../config/app-config';
import { Sandbox } from '../domain/sandbox';
import { FleetService } from '../fleet/fleet.service';
import { ContainerRuntime } from '../runtime/container-runtime';
import { SandboxService } from '../sandbox/sandbox.service';
import { ContainerStatsCache } from './container-stats-cache';

/** What operators ask of the fleet (sandboxctl), as views of its sandboxes. */
@Injectable()
export class AdminService {
  constructor(
    private readonly fleet: FleetService,
    private readonly sandboxes: SandboxService,
    private readonly runtime: ContainerRuntime,
    private readonly statsCache: ContainerStatsCache,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  list(withStats: boolean): Promise<SandboxView[]> {
    return Promise.all(this.fleet.list().map((sb) => this.view(sb, withStats)));
  }

  inspect(user: string): Promise<SandboxDetail> {
    return this.detail(user, this.need(user), true);
  }

  async detail(user: string, sb: Sandbox, withStats: boolean): Promise<SandboxDetail> {
    return { ...(await this.view(sb, withStats)), status: await this.sandboxes.status(user) };
  }

  async logs(user: string, tail: number | undefined): Promise<SandboxLogs> {
    const sb = this.need(user);
    return { logs: await this.runtime.logs(sb.containerId, Math.min(Math.max(tail ?? 100, 1), 10_000)) };
  }

  /** A busy sandbox (a statement running) is a 409 unless forced: the statement would be cut. */
  async reset(user: string, force: boolean): Promise<SandboxView> {
    const sb = this.fleet.find(user);
    if (sb) this.notBusy(sb, force, 'reset');
    // A hibernated user can be reset too: it is how an operator gets them past a damaged archive.
    else if (!(await this.fleet.savedDatabase(user))) throw noSandbox(user);
    return this.view(await this.fleet.reset(user), false);
  }

  async remove(user: string, force: boolean): Promise<RemoveResult> {
    const sb = this.fleet.find(user);
    if (sb) this.notBusy(sb, force, 'remove');
    if (!(await this.fleet.removeUser(user, 'admin'))) throw noSandbox(user);
    return { removed: true };
  }

  async reap(dryRun: boolean, idle: string | undefined): Promise<ReapResult> {
    const idleMs = idle ? parseDuration(idle) : this.config.idleTimeoutMs;
    const reaped = await this.fleet.sweep({ dryRun, idleMs });
    return { dryRun, idleMs, reaped };
  }

  private notBusy(sb: Sandbox, force: boolean, what: string): void {
    if (sb.active > 0 && !force) {
      throw new ConflictException(`User "${sb.userId ?? sb.name}" is running a statement right now; ${what} with ?force=true to cut it.`);
    }
  }

  private need(user: string): Sandbox {
    const sb = this.fleet.find(user);
    if (!sb) throw new NotFoundException(`User "${user}" has no sandbox.`);
    return sb;
  }

  private async view(sb: Sandbox, withStats: boolean): Promise<SandboxView> {
    const s = withStats ? await this.statsCache.get(sb.containerId, this.fleet.list().length) : null;
    return {
      user: sb.userId ?? null,
      container: sb.name,
      containerId: sb.containerId.slice(0, 12),
      state: sb.state,
      source: sb.source,
      createdAt: new Date(sb.claimedAt).toISOString(),
      containerCreatedAt: new Date(sb.createdAt).toISOString(),
      lastUsedAt: new Date(sb.lastUsedAt).toISOString(),
      idleMs: this.clock.now() - sb.lastUsedAt,
      memoryBytes: s?.memoryBytes ?? null,
      cpuPercent: s ? Math.round(s.cpuPercent * 10) / 10 : null,
      sessions: this.sandboxes.sessionNames(sb),
      image: sb.imageId.slice(0, 19),
      node: sb.node ?? null,
    };
  }
}

export function noSandbox(user: string): NotFoundException {
  return new NotFoundException(`User "${user}" has no sandbox and no saved database.`);
}
