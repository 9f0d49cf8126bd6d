import { Readable } from 'node:stream';
import { JsonLogger } from '../common/json-logger';
import { loadConfig } from '../config/app-config';
import { ArchiveKind, ArchiveRecord, ControlStore, UserRecord } from '../control/control-store';
import { FakeArchiveStore } from '../../test/support/fake-archive-store';
import { ManualClock } from '../../test/support/fakes';
import { ArchiveRetention, LiveSandboxes, ORPHAN_AFTER_MS } from './retention';

const DAY = 86_400_000;
// The archive store's clock and the sweep's `now` agree, as in the app.
const clock = new ManualClock();
const NOW = new Date(clock.now());
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/**
 * The records retention reads and deletes, in memory. TODO(coordinator): once merged, use the
 * control helper's FakeControlStore (test/support/fake-control-store.ts, contract-tested) instead.
 */
class Records extends ControlStore {
  readonly userRows = new Map<string, UserRecord>();
  archiveRows: ArchiveRecord[] = [];
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  async ping(): Promise<void> {}
  async recordUse(userId: string, at: Date): Promise<void> {
    const u = this.userRows.get(userId);
    if (!u) this.userRows.set(userId, { userId, hibernated: true, lastUsedAt: at });
    else if (at > u.lastUsedAt) u.lastUsedAt = at;
  }
  async user(userId: string): Promise<UserRecord | null> {
    return this.userRows.get(userId) ?? null;
  }
  async users(): Promise<UserRecord[]> {
    return [...this.userRows.values()];
  }
  async unusedSince(before: Date): Promise<UserRecord[]> {
    return [...this.userRows.values()].filter((u) => u.lastUsedAt < before);
  }
  async setLastError(): Promise<void> {}
  async putArchive(a: ArchiveRecord): Promise<ArchiveRecord | null> {
    this.archiveRows.push(a);
    return null;
  }
  async setHibernated(): Promise<void> {}
  async archive(userId: string, kind: ArchiveKind, name: string): Promise<ArchiveRecord | null> {
    return this.archiveRows.find((r) => r.userId === userId && r.kind === kind && r.name === name) ?? null;
  }
  async archives(userId?: string): Promise<ArchiveRecord[]> {
    return this.archiveRows.filter((r) => userId === undefined || r.userId === userId);
  }
  async deleteArchive(): Promise<ArchiveRecord | null> {
    return null;
  }
  async deleteUser(userId: string): Promise<ArchiveRecord[]> {
    this.userRows.delete(userId);
    const removed = this.archiveRows.filter((r) => r.userId === userId);
    this.archiveRows = this.archiveRows.filter((r) => r.userId !== userId);
    return removed;
  }
}

class Live extends LiveSandboxes {
  readonly running = new Set<string>();
  /** Runs while the lock is held, as a wake racing with the sweep would. */
  duringLock: ((userId: string) => Promise<void>) | undefined;
  has(userId: string): boolean {
    return this.running.has(userId);
  }
  async exclusive<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    await this.duringLock?.(userId);
    return fn();
  }
}

describe(ArchiveRetention.name, () => {
  let records: Records;
  let store: FakeArchiveStore;
  let live: Live;
  let lines: Record<string, unknown>[];
  let sut: ArchiveRetention;

  beforeEach(() => {
    records = new Records();
    store = new FakeArchiveStore(clock);
    live = new Live();
    lines = [];
    const log = new JsonLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    sut = new ArchiveRetention(loadConfig({ SANDBOX_PREFIX: 'p', SANDBOX_RETENTION: '30d' }), records, store, live, log);
  });

  /** A user last seen `lastUsed` ago with archives of the given sizes, recorded as hibernation writes them. */
  async function userWith(userId: string, lastUsed: number, sizes: number[]): Promise<ArchiveRecord[]> {
    await records.recordUse(userId, ago(lastUsed));
    const out: ArchiveRecord[] = [];
    for (const [i, size] of sizes.entries()) {
      const saved = await store.write(userId, Readable.from([Buffer.alloc(size, i)]), 1e9);
      const rec: ArchiveRecord = {
        userId,
        kind: i ? 'checkpoint' : 'hibernation',
        name: i ? `cp${i}` : 'latest',
        createdAt: ago(lastUsed),
        ...saved,
      };
      await records.putArchive(rec);
      out.push(rec);
    }
    return out;
  }
  const keys = async () => (await store.list()).map((e) => e.key).sort();

  it('deletes the archives and record of a user unseen past SANDBOX_RETENTION, and logs user, bytes and last use', async () => {
    await userWith('old', 31 * DAY, [100, 50]);
    const kept = await userWith('recent', 29 * DAY, [70]);
    expect(await sut.sweep(NOW)).toEqual({ expiredUsers: 1, expiredBytes: 150, orphans: 0, unfinished: 0 });
    expect(await keys()).toEqual([kept[0].key]);
    expect(await records.user('old')).toBeNull();
    expect(await records.archives('old')).toEqual([]);
    expect(lines.filter((l) => l.msg === 'archives expired')).toEqual([
      expect.objectContaining({
        level: 'info',
        context: 'retention',
        user: 'old',
        bytes: 150,
        archives: 2,
        lastUsedAt: ago(31 * DAY).toISOString(),
      }),
    ]);
  });

  it('keeps a user who has a sandbox now, however old their record', async () => {
    const [a] = await userWith('old', 40 * DAY, [10]);
    live.running.add('old');
    expect((await sut.sweep(NOW)).expiredUsers).toBe(0);
    expect(await keys()).toEqual([a.key]);
    expect(await records.user('old')).not.toBeNull();
  });

  it('keeps a user who comes back while the sweep waits for their lock', async () => {
    const [a] = await userWith('old', 40 * DAY, [10]);
    live.duringLock = (userId) => records.recordUse(userId, NOW);
    expect((await sut.sweep(NOW)).expiredUsers).toBe(0);
    expect(await keys()).toEqual([a.key]);
  });

  it('deletes records before bytes: when the records cannot be deleted, every record still opens', async () => {
    const [a] = await userWith('old', 40 * DAY, [10]);
    records.deleteUser = () => Promise.reject(new Error('control database unreachable'));
    expect((await sut.sweep(NOW)).expiredUsers).toBe(0);
    await expect(store.open(a.key, a)).resolves.toBeInstanceOf(Readable);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', user: 'old', error: 'control database unreachable' }));
  });

  it('bytes that cannot be removed after their records are left to the orphan clean-up, with a warning', async () => {
    const [a] = await userWith('old', 40 * DAY, [10]);
    store.remove = () => Promise.reject(new Error('EIO'));
    await sut.sweep(NOW);
    expect(await records.archives()).toEqual([]);
    expect(await keys()).toEqual([a.key]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', key: a.key, error: 'EIO' }));
  });

  it('removes archives no record names once they are an hour old, and no younger ones', async () => {
    await userWith('kept', DAY, [10]);
    const old = await store.write('crashed', Readable.from([Buffer.from('x')]), 10);
    store.age(old.key, ORPHAN_AFTER_MS + 1000);
    const young = await store.write('writing', Readable.from([Buffer.from('y')]), 10);
    expect((await sut.sweep(NOW)).orphans).toBe(1);
    expect(await keys()).not.toContain(old.key);
    expect(await keys()).toContain(young.key);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'orphan archive removed (no record names it)', key: old.key, bytes: 1 }),
    );
  });

  it('removes no orphans when the control store records no archive at all (a new or wrong CONTROL_DATABASE_URL)', async () => {
    const a = await store.write('someone', Readable.from([Buffer.from('x')]), 10);
    store.age(a.key, 10 * DAY);
    expect((await sut.sweep(NOW)).orphans).toBe(0);
    expect(await keys()).toEqual([a.key]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', archives: 1 }));
  });

  it('clears what crashed writes left more than a minute ago', async () => {
    store.leaveUnfinished(5 * 60_000);
    store.leaveUnfinished(1000);
    expect((await sut.sweep(NOW)).unfinished).toBe(1);
    expect(store.unfinished.size).toBe(1);
  });

  it('a tick during a sweep shares it instead of sweeping twice', async () => {
    await userWith('old', 40 * DAY, [10]);
    const [first, second] = await Promise.all([sut.sweep(NOW), sut.sweep(NOW)]);
    expect(second).toBe(first);
    expect(lines.filter((l) => l.msg === 'archives expired')).toHaveLength(1);
  });
});
