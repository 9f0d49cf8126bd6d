import { ArchiveRecord, ControlStore } from '../../src/control/control-store';

/**
 * What the hibernation logic relies on from a ControlStore, written once and run against the
 * fake (unit) and PgControlStore on a real Postgres (integration). The store may hold other
 * tests' records: every user id here starts with a run-unique prefix and listings are filtered to it.
 */
export function describeControlStoreContract(what: string, setUp: () => Promise<ControlStore>, tearDown: () => Promise<void>): void {
  describe(`ControlStore contract: ${what}`, () => {
    let sut: ControlStore;
    const run = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const id = (name: string) => `${run}-${name}`;
    const mine = <T extends { userId: string }>(rows: T[]) => rows.filter((r) => r.userId.startsWith(`${run}-`));
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s, 123));
    let keys = 0;
    const archive = (user: string, over: Partial<ArchiveRecord> = {}): ArchiveRecord => ({
      userId: id(user),
      kind: 'hibernation',
      name: 'latest',
      key: `${run}/${++keys}`,
      bytes: 1234,
      sha256: 'ab'.repeat(32),
      createdAt: t(keys),
      ...over,
    });

    beforeAll(async () => {
      sut = await setUp();
      await sut.init();
    });
    afterAll(tearDown);

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });

    it('records use: creates the user, and lastUsedAt only moves forward', async () => {
      expect(await sut.user(id('ann'))).toBeNull();
      await sut.recordUse(id('ann'), t(10));
      expect(await sut.user(id('ann'))).toEqual({ userId: id('ann'), hibernated: false, lastUsedAt: t(10) });
      await sut.recordUse(id('ann'), t(5));
      expect((await sut.user(id('ann')))?.lastUsedAt).toEqual(t(10));
      await sut.recordUse(id('ann'), t(20));
      expect((await sut.user(id('ann')))?.lastUsedAt).toEqual(t(20));
    });

    it('lists users by id, filters the hibernated ones, and finds those unused since a time (oldest first)', async () => {
      await sut.recordUse(id('u-b'), t(30));
      await sut.recordUse(id('u-a'), t(40));
      await sut.recordUse(id('u-c'), t(35));
      await sut.setHibernated(id('u-c'), true);
      const users = mine(await sut.users()).filter((u) => u.userId.includes('-u-'));
      expect(users.map((u) => u.userId)).toEqual([id('u-a'), id('u-b'), id('u-c')]);
      expect(mine(await sut.users({ hibernated: true })).map((u) => u.userId)).toEqual([id('u-c')]);
      expect(mine(await sut.users({ hibernated: false })).map((u) => u.userId)).not.toContain(id('u-c'));
      const unused = mine(await sut.unusedSince(t(40))).filter((u) => u.userId.includes('-u-'));
      expect(unused.map((u) => u.userId)).toEqual([id('u-b'), id('u-c')]); // strictly before t(40)
    });

    it('sets and clears lastError; on an unknown user it creates nothing', async () => {
      await sut.recordUse(id('err'), t(1));
      await sut.setLastError(id('err'), 'archive damaged: sha256 mismatch');
      expect((await sut.user(id('err')))?.lastError).toBe('archive damaged: sha256 mismatch');
      await sut.setLastError(id('err'), undefined);
      expect(await sut.user(id('err'))).toEqual({ userId: id('err'), hibernated: false, lastUsedAt: t(1) });
      await sut.setLastError(id('nobody'), 'x');
      await sut.setHibernated(id('nobody'), true);
      expect(await sut.user(id('nobody'))).toBeNull();
    });

    it('puts an archive: creates a missing user (lastUsedAt = the archive time), sets the flag when given, returns the record it replaced', async () => {
      const first = archive('put');
      expect(await sut.putArchive(first, true)).toBeNull();
      expect(await sut.user(id('put'))).toEqual({ userId: id('put'), hibernated: true, lastUsedAt: first.createdAt });
      expect(await sut.archive(id('put'), 'hibernation', 'latest')).toEqual(first);
      const second = archive('put', { bytes: 5 * 2 ** 30, sha256: 'cd'.repeat(32) });
      expect(await sut.putArchive(second)).toEqual(first);
      expect((await sut.user(id('put')))?.hibernated).toBe(true); // no flag given: unchanged
      expect(await sut.archive(id('put'), 'hibernation', 'latest')).toEqual(second);
      expect(await sut.putArchive(archive('put'), false)).toEqual(second);
      expect((await sut.user(id('put')))?.hibernated).toBe(false);
    });

    it('keeps kinds and names apart, lists archives oldest first, per user or everyone', async () => {
      const h = archive('list');
      const c1 = archive('list', { kind: 'checkpoint', name: 'latest' });
      const c2 = archive('list', { kind: 'checkpoint', name: 'before-migration' });
      const other = archive('list-other', { kind: 'checkpoint', name: 'x' });
      for (const a of [c2, other, h, c1]) await sut.putArchive(a);
      expect(await sut.archives(id('list'))).toEqual([h, c1, c2]);
      expect(mine(await sut.archives()).filter((a) => a.userId.startsWith(id('list')))).toEqual([h, c1, c2, other]);
      expect(await sut.archive(id('list'), 'checkpoint', 'latest')).toEqual(c1);
      expect(await sut.archive(id('list'), 'checkpoint', 'missing')).toBeNull();
    });

    it('refuses a key another record already uses, changing nothing', async () => {
      const a = archive('dup');
      await sut.putArchive(a);
      await expect(sut.putArchive(archive('dup', { kind: 'checkpoint', name: 'c', key: a.key }))).rejects.toThrow();
      expect(await sut.archives(id('dup'))).toEqual([a]);
    });

    it('deletes an archive, returning it once', async () => {
      const a = archive('del', { kind: 'checkpoint', name: 'one' });
      await sut.putArchive(a);
      expect(await sut.deleteArchive(id('del'), 'checkpoint', 'one')).toEqual(a);
      expect(await sut.deleteArchive(id('del'), 'checkpoint', 'one')).toBeNull();
      expect(await sut.archive(id('del'), 'checkpoint', 'one')).toBeNull();
    });

    it('deletes a user with all their archives, returning those, and leaves others alone', async () => {
      const h = archive('gone');
      const c = archive('gone', { kind: 'checkpoint', name: 'c' });
      const kept = archive('stays');
      for (const a of [h, c, kept]) await sut.putArchive(a, true);
      expect(await sut.deleteUser(id('gone'))).toEqual([h, c]);
      expect(await sut.user(id('gone'))).toBeNull();
      expect(await sut.archives(id('gone'))).toEqual([]);
      expect(await sut.archives(id('stays'))).toEqual([kept]);
      expect(await sut.deleteUser(id('gone'))).toEqual([]);
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const a = archive('copy');
      await sut.putArchive(a);
      a.bytes = 1;
      const got = (await sut.archive(id('copy'), 'hibernation', 'latest'))!;
      expect(got.bytes).toBe(1234);
      got.createdAt.setTime(0);
      const user = (await sut.user(id('copy')))!;
      user.lastUsedAt.setTime(0);
      expect((await sut.archive(id('copy'), 'hibernation', 'latest'))?.createdAt.getTime()).not.toBe(0);
      expect((await sut.user(id('copy')))?.lastUsedAt.getTime()).not.toBe(0);
    });
  });
}
