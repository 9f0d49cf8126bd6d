import { randomUUID } from 'node:crypto';
import { NotebookStore } from '../../src/notebooks/notebook-store';

/**
 * What the notebooks API relies on from a NotebookStore, written once and run against the fake
 * (unit) and PgNotebookStore on a real Postgres (integration). Owners carry a run-unique prefix,
 * so the store may hold other tests' notebooks.
 */
export function describeNotebookStoreContract(what: string, setUp: () => Promise<NotebookStore>, tearDown: () => Promise<void>): void {
  describe(`NotebookStore contract: ${what}`, () => {
    let sut: NotebookStore;
    const run = `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const owner = (name: string) => `${run}-${name}`;
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s, 123));
    const make = (who: string, name: string, at: number, content = `{"cells":[]}`) =>
      sut.create({ id: randomUUID(), owner: owner(who), name, content, at: t(at) }, 10);

    beforeAll(async () => {
      sut = await setUp();
      await sut.init();
    });
    afterAll(tearDown);

    it('creates at version 1 and reads it back; another owner sees nothing', async () => {
      const n = (await make('ann', 'First', 1, 'select 1; -- é'))!;
      expect(n).toMatchObject({ owner: owner('ann'), name: 'First', content: 'select 1; -- é', version: 1, shareToken: null });
      expect(n.createdAt).toEqual(t(1));
      expect(await sut.get(owner('ann'), n.id)).toEqual(n);
      expect(await sut.get(owner('bob'), n.id)).toBeNull();
      expect(await sut.get(owner('ann'), randomUUID())).toBeNull();
    });

    it('lists the owner’s notebooks newest first, with their size in bytes and no content', async () => {
      const a = (await make('list', 'A', 1, 'é'))!;
      const b = (await make('list', 'B', 3))!;
      await make('list-other', 'C', 2);
      const list = await sut.list(owner('list'));
      expect(list.map((n) => n.name)).toEqual(['B', 'A']);
      expect(list[1]).toEqual({ ...a, content: undefined, bytes: 2 } as unknown as (typeof list)[number]);
      expect(list[0].id).toBe(b.id);
      expect(list[0]).not.toHaveProperty('content');
    });

    it('refuses a create past the owner’s limit, writing nothing', async () => {
      for (let i = 0; i < 3; i++)
        expect(await sut.create({ id: randomUUID(), owner: owner('full'), name: `n${i}`, content: '', at: t(i) }, 3)).not.toBeNull();
      expect(await sut.create({ id: randomUUID(), owner: owner('full'), name: 'one too many', content: '', at: t(9) }, 3)).toBeNull();
      expect(await sut.list(owner('full'))).toHaveLength(3);
    });

    it('concurrent creates never pass the limit', async () => {
      const tries = Array.from({ length: 6 }, (_, i) =>
        sut.create({ id: randomUUID(), owner: owner('race'), name: `r${i}`, content: '', at: t(i) }, 4),
      );
      const made = (await Promise.all(tries)).filter(Boolean);
      expect(made).toHaveLength(4);
      expect(await sut.list(owner('race'))).toHaveLength(4);
    });

    it('updates only at the expected version: name, content or both, bumping the version', async () => {
      const n = (await make('upd', 'Old', 1, 'a'))!;
      const renamed = await sut.update(owner('upd'), n.id, 1, { name: 'New' }, t(5));
      expect(renamed).toEqual({ kind: 'updated', notebook: { ...n, name: 'New', version: 2, updatedAt: t(5) } });
      const edited = await sut.update(owner('upd'), n.id, 2, { content: 'b' }, t(6));
      expect(edited).toMatchObject({ kind: 'updated', notebook: { name: 'New', content: 'b', version: 3 } });
      expect(await sut.update(owner('upd'), n.id, 2, { content: 'lost' }, t(7))).toEqual({ kind: 'stale', version: 3 });
      expect((await sut.get(owner('upd'), n.id))?.content).toBe('b');
      expect(await sut.update(owner('someone'), n.id, 3, { content: 'x' }, t(8))).toEqual({ kind: 'missing' });
      expect(await sut.update(owner('upd'), randomUUID(), 1, { content: 'x' }, t(8))).toEqual({ kind: 'missing' });
    });

    it('shares: a snapshot under a token; sharing again keeps the token and replaces the snapshot', async () => {
      const n = (await make('sh', 'Shared', 1))!;
      const token = `tok-${run}-1`;
      const first = await sut.share(owner('sh'), n.id, token, '{"v":1}', t(2));
      expect(first).toEqual({ token, notebookId: n.id, createdAt: t(2), updatedAt: t(2), snapshot: '{"v":1}' });
      expect((await sut.get(owner('sh'), n.id))?.shareToken).toBe(token);
      expect((await sut.list(owner('sh')))[0].shareToken).toBe(token);
      const again = await sut.share(owner('sh'), n.id, `tok-${run}-unused`, '{"v":2}', t(3));
      expect(again).toEqual({ token, notebookId: n.id, createdAt: t(2), updatedAt: t(3), snapshot: '{"v":2}' });
      expect(await sut.shared(token)).toEqual(again);
      expect(await sut.shared(`tok-${run}-unused`)).toBeNull();
      // Another owner can neither share nor unshare it.
      expect(await sut.share(owner('mallory'), n.id, `tok-${run}-m`, '{}', t(4))).toBeNull();
      expect(await sut.unshare(owner('mallory'), n.id)).toBe(false);
      expect(await sut.shared(token)).toEqual(again);
    });

    it('unshare revokes the token; a new share gets the new token', async () => {
      const n = (await make('rev', 'Revoked', 1))!;
      await sut.share(owner('rev'), n.id, `tok-${run}-r1`, '{}', t(2));
      expect(await sut.unshare(owner('rev'), n.id)).toBe(true);
      expect(await sut.unshare(owner('rev'), n.id)).toBe(false);
      expect(await sut.shared(`tok-${run}-r1`)).toBeNull();
      expect((await sut.get(owner('rev'), n.id))?.shareToken).toBeNull();
      expect((await sut.share(owner('rev'), n.id, `tok-${run}-r2`, '{}', t(3)))?.token).toBe(`tok-${run}-r2`);
    });

    it('deletes only the owner’s notebook, and its share with it', async () => {
      const n = (await make('del', 'Doomed', 1))!;
      await sut.share(owner('del'), n.id, `tok-${run}-d`, '{}', t(2));
      expect(await sut.delete(owner('other'), n.id)).toBe(false);
      expect(await sut.delete(owner('del'), n.id)).toBe(true);
      expect(await sut.delete(owner('del'), n.id)).toBe(false);
      expect(await sut.get(owner('del'), n.id)).toBeNull();
      expect(await sut.shared(`tok-${run}-d`)).toBeNull();
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const n = (await make('copy', 'Copy', 1))!;
      n.name = 'changed';
      n.updatedAt.setTime(0);
      expect(await sut.get(owner('copy'), n.id)).toMatchObject({ name: 'Copy', updatedAt: t(1) });
    });
  });
}
