import { ArchiveKind, ArchiveRecord, ControlStore, UserRecord } from '../../src/control/control-store';

/**
 * The ControlStore in memory, for unit tests. test/support/control-store-contract.ts runs the
 * same assertions against it and against PgControlStore on a real Postgres, so it cannot drift.
 */
export class FakeControlStore extends ControlStore {
  private readonly userRows = new Map<string, UserRecord>();
  private readonly archiveRows = new Map<string, ArchiveRecord>();
  /** When set, every call fails as if the database were unreachable (for callers' specs). */
  unreachable: Error | undefined;

  async init(): Promise<void> {}
  async close(): Promise<void> {}
  async ping(): Promise<void> {
    this.check();
  }

  async recordUse(userId: string, at: Date): Promise<void> {
    this.check();
    const u = this.userRows.get(userId);
    if (!u) this.userRows.set(userId, { userId, hibernated: false, lastUsedAt: new Date(at) });
    else if (at > u.lastUsedAt) u.lastUsedAt = new Date(at);
  }

  async user(userId: string): Promise<UserRecord | null> {
    this.check();
    const u = this.userRows.get(userId);
    return u ? copyUser(u) : null;
  }

  async users(filter: { hibernated?: boolean } = {}): Promise<UserRecord[]> {
    this.check();
    return [...this.userRows.values()]
      .filter((u) => filter.hibernated === undefined || u.hibernated === filter.hibernated)
      .sort((a, b) => codePoints(a.userId, b.userId))
      .map(copyUser);
  }

  async unusedSince(before: Date): Promise<UserRecord[]> {
    this.check();
    return [...this.userRows.values()]
      .filter((u) => u.lastUsedAt < before)
      .sort((a, b) => a.lastUsedAt.getTime() - b.lastUsedAt.getTime() || codePoints(a.userId, b.userId))
      .map(copyUser);
  }

  async setLastError(userId: string, error: string | undefined): Promise<void> {
    this.check();
    const u = this.userRows.get(userId);
    if (!u) return;
    if (error === undefined) delete u.lastError;
    else u.lastError = error;
  }

  async putArchive(archive: ArchiveRecord, hibernated?: boolean): Promise<ArchiveRecord | null> {
    this.check();
    const id = archiveId(archive.userId, archive.kind, archive.name);
    const clash = [...this.archiveRows.entries()].find(([other, a]) => other !== id && a.key === archive.key);
    if (clash) throw new Error(`duplicate archive key ${archive.key}`);
    const u = this.userRows.get(archive.userId);
    if (!u)
      this.userRows.set(archive.userId, {
        userId: archive.userId,
        hibernated: hibernated ?? false,
        lastUsedAt: new Date(archive.createdAt),
      });
    else if (hibernated !== undefined) u.hibernated = hibernated;
    const old = this.archiveRows.get(id);
    this.archiveRows.set(id, copyArchive(archive));
    return old ? copyArchive(old) : null;
  }

  async setHibernated(userId: string, hibernated: boolean): Promise<void> {
    this.check();
    const u = this.userRows.get(userId);
    if (u) u.hibernated = hibernated;
  }

  async archive(userId: string, kind: ArchiveKind, name: string): Promise<ArchiveRecord | null> {
    this.check();
    const a = this.archiveRows.get(archiveId(userId, kind, name));
    return a ? copyArchive(a) : null;
  }

  async archives(userId?: string): Promise<ArchiveRecord[]> {
    this.check();
    return [...this.archiveRows.values()]
      .filter((a) => userId === undefined || a.userId === userId)
      .sort(byCreation)
      .map(copyArchive);
  }

  async deleteArchive(userId: string, kind: ArchiveKind, name: string): Promise<ArchiveRecord | null> {
    this.check();
    const id = archiveId(userId, kind, name);
    const a = this.archiveRows.get(id);
    this.archiveRows.delete(id);
    return a ? copyArchive(a) : null;
  }

  async deleteUser(userId: string): Promise<ArchiveRecord[]> {
    this.check();
    const removed = [...this.archiveRows.entries()].filter(([, a]) => a.userId === userId);
    for (const [id] of removed) this.archiveRows.delete(id);
    this.userRows.delete(userId);
    return removed.map(([, a]) => copyArchive(a)).sort(byCreation);
  }

  private check(): void {
    if (this.unreachable) throw this.unreachable;
  }
}

function archiveId(userId: string, kind: ArchiveKind, name: string): string {
  return JSON.stringify([userId, kind, name]);
}

function copyUser(u: UserRecord): UserRecord {
  return { ...u, lastUsedAt: new Date(u.lastUsedAt) };
}

function copyArchive(a: ArchiveRecord): ArchiveRecord {
  return { ...a, createdAt: new Date(a.createdAt) };
}

function codePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Oldest first; ties as PgControlStore orders them (user, kind, name in code-point order). */
function byCreation(a: ArchiveRecord, b: ArchiveRecord): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    codePoints(a.userId, b.userId) ||
    codePoints(a.kind, b.kind) ||
    codePoints(a.name, b.name)
  );
}
