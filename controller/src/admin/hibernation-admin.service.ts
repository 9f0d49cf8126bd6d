import { Injectable } from '@nestjs/common';
import type { CheckpointList, HibernateResult, HibernatedView, SandboxDetail, StorageReport } from '@pgsbx/contract';
import { AppConfig } from '../config/app-config';
import { ArchiveRecord, ControlStore } from '../control/control-store';
import { FleetService } from '../fleet/fleet.service';
import { SandboxService } from '../sandbox/sandbox.service';
import { AdminService, noSandbox } from './admin.service';

/** What operators ask about saved databases (issue 11): hibernate, wake, who is hibernated, storage. */
@Injectable()
export class HibernationAdminService {
  constructor(
    private readonly fleet: FleetService,
    private readonly sandboxes: SandboxService,
    private readonly admin: AdminService,
    private readonly control: ControlStore,
    private readonly config: AppConfig,
  ) {}

  async hibernate(user: string): Promise<HibernateResult> {
    const outcome = await this.fleet.hibernateUser(user, 'admin');
    return outcome === 'hibernated' ? { hibernated: true } : { hibernated: false, reason: outcome };
  }

  /**
   * Restores a hibernated user's database into a container now (or shows the running one). The
   * user's next exec is still told their database was restored: the operator's wake is news to them too.
   */
  async wake(user: string): Promise<SandboxDetail> {
    if (!this.fleet.find(user) && !(await this.fleet.savedDatabase(user))) throw noSandbox(user);
    const sb = await this.fleet.ensure(user);
    const detail = await this.admin.detail(user, sb, false);
    const r = sb.restored;
    if (!r) return detail;
    return { ...detail, status: { ...detail.status, restored: { savedAt: r.savedAt.toISOString(), bytes: r.bytes, ms: r.ms } } };
  }

  checkpoints(user: string): Promise<CheckpointList> {
    return this.sandboxes.checkpoints(user);
  }

  /** Users with no container whose database is saved, oldest save first. */
  async hibernated(): Promise<HibernatedView[]> {
    const [users, archives] = await Promise.all([this.control.users({ hibernated: true }), this.control.archives()]);
    const saved = new Map(archives.filter((a) => a.kind === 'hibernation').map((a) => [a.userId, a]));
    return users
      .flatMap((u) => {
        // A flag with no archive is a crash's leftover the next wake clears: nothing is saved.
        const a = saved.get(u.userId);
        return a
          ? [{ user: u.userId, savedAt: a.createdAt, bytes: a.bytes, lastUsedAt: u.lastUsedAt, lastError: u.lastError ?? null }]
          : [];
      })
      .sort((x, y) => x.savedAt.getTime() - y.savedAt.getTime() || x.user.localeCompare(y.user))
      .map((v) => ({ ...v, savedAt: v.savedAt.toISOString(), lastUsedAt: v.lastUsedAt.toISOString() }));
  }

  /** Archive bytes per user (hibernation + checkpoints) and in all, as recorded in the control store. */
  async storage(): Promise<StorageReport> {
    const [users, archives] = await Promise.all([this.control.users(), this.control.archives()]);
    const byUser = new Map<string, ArchiveRecord[]>();
    for (const a of archives) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
    const records = new Map(users.map((u) => [u.userId, u]));
    const rows = [...byUser].map(([user, list]) => ({
      user,
      bytes: list.reduce((sum, a) => sum + a.bytes, 0),
      archives: list.length,
      checkpoints: list.filter((a) => a.kind === 'checkpoint').length,
      hibernated: records.get(user)?.hibernated ?? false,
      lastError: records.get(user)?.lastError ?? null,
    }));
    rows.sort((a, b) => a.user.localeCompare(b.user));
    return { users: rows, totalBytes: rows.reduce((sum, r) => sum + r.bytes, 0), limitPerUserBytes: this.config.archiveMaxBytes };
  }
}
