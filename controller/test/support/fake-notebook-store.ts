import {
  NewNotebook,
  NotebookRecord,
  NotebookStore,
  NotebookSummaryRecord,
  ShareRecord,
  UpdateOutcome,
} from '../../src/notebooks/notebook-store';

/**
 * The NotebookStore in memory, for unit tests. test/support/notebook-store-contract.ts runs the
 * same assertions against it and against PgNotebookStore on a real Postgres, so it cannot drift.
 */
export class FakeNotebookStore extends NotebookStore {
  private readonly notebooks = new Map<string, Omit<NotebookRecord, 'shareToken'>>();
  private readonly shares = new Map<string, ShareRecord>();

  async init(): Promise<void> {}
  async close(): Promise<void> {}

  async list(owner: string): Promise<NotebookSummaryRecord[]> {
    return [...this.notebooks.values()]
      .filter((n) => n.owner === owner)
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((n) => {
        const { content, ...rest } = this.withShare(n);
        return { ...rest, bytes: Buffer.byteLength(content) };
      });
  }

  async get(owner: string, id: string): Promise<NotebookRecord | null> {
    const n = this.notebooks.get(id);
    return n && n.owner === owner ? this.withShare(n) : null;
  }

  async create(n: NewNotebook, maxPerOwner: number): Promise<NotebookRecord | null> {
    if ([...this.notebooks.values()].filter((x) => x.owner === n.owner).length >= maxPerOwner) return null;
    if (this.notebooks.has(n.id)) throw new Error(`duplicate key: notebook ${n.id}`);
    const record = {
      id: n.id,
      owner: n.owner,
      name: n.name,
      content: n.content,
      createdAt: new Date(n.at),
      updatedAt: new Date(n.at),
      version: 1,
    };
    this.notebooks.set(n.id, record);
    return this.withShare(record);
  }

  async update(
    owner: string,
    id: string,
    expectedVersion: number,
    change: { name?: string; content?: string },
    at: Date,
  ): Promise<UpdateOutcome> {
    const n = this.notebooks.get(id);
    if (!n || n.owner !== owner) return { kind: 'missing' };
    if (n.version !== expectedVersion) return { kind: 'stale', version: n.version };
    const next = {
      ...n,
      name: change.name ?? n.name,
      content: change.content ?? n.content,
      updatedAt: new Date(at),
      version: n.version + 1,
    };
    this.notebooks.set(id, next);
    return { kind: 'updated', notebook: this.withShare(next) };
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const n = this.notebooks.get(id);
    if (!n || n.owner !== owner) return false;
    this.notebooks.delete(id);
    const share = this.shareOf(id);
    if (share) this.shares.delete(share.token);
    return true;
  }

  async share(owner: string, id: string, token: string, snapshot: string, at: Date): Promise<ShareRecord | null> {
    const n = this.notebooks.get(id);
    if (!n || n.owner !== owner) return null;
    const old = this.shareOf(id);
    const share = old
      ? { ...old, snapshot, updatedAt: new Date(at) }
      : { token, notebookId: id, createdAt: new Date(at), updatedAt: new Date(at), snapshot };
    if (!old && this.shares.has(token)) throw new Error(`duplicate key: share ${token}`);
    this.shares.set(share.token, share);
    return copyShare(share);
  }

  async unshare(owner: string, id: string): Promise<boolean> {
    const n = this.notebooks.get(id);
    const share = n && n.owner === owner ? this.shareOf(id) : undefined;
    if (!share) return false;
    this.shares.delete(share.token);
    return true;
  }

  async shared(token: string): Promise<ShareRecord | null> {
    const s = this.shares.get(token);
    return s ? copyShare(s) : null;
  }

  private shareOf(id: string): ShareRecord | undefined {
    return [...this.shares.values()].find((s) => s.notebookId === id);
  }

  private withShare(n: Omit<NotebookRecord, 'shareToken'>): NotebookRecord {
    return { ...n, createdAt: new Date(n.createdAt), updatedAt: new Date(n.updatedAt), shareToken: this.shareOf(n.id)?.token ?? null };
  }
}

function copyShare(s: ShareRecord): ShareRecord {
  return { ...s, createdAt: new Date(s.createdAt), updatedAt: new Date(s.updatedAt) };
}
