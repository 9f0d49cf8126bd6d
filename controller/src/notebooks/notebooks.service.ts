import { Injectable } from '@nestjs/common';
import type { Notebook, NotebookList, NotebookSummary, ShareLink, SharedNotebook } from '@pgsbx/contract';
import { randomBytes, randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { NAME_MAX_CHARS, NOTEBOOK_LIMITS } from './notebook-limits';
import {
  NotebookLimitError,
  NotebookNotFoundError,
  NotebookTooLargeError,
  ShareTooLargeError,
  SharedNotebookNotFoundError,
  StaleNotebookError,
} from './notebook-errors';
import { NotebookRecord, NotebookStore, NotebookSummaryRecord, ShareRecord } from './notebook-store';

/** What a share's snapshot holds (JSON in the store). */
interface Snapshot {
  name: string;
  content: string;
  results: Record<string, unknown> | null;
}

/**
 * Saved notebooks and shares: the limits, ownership (every call names its owner; another user's
 * notebook is not found) and the share snapshots. The store does the storing.
 */
@Injectable()
export class NotebooksService {
  constructor(
    private readonly store: NotebookStore,
    private readonly clock: Clock,
  ) {}

  async list(owner: string): Promise<NotebookList> {
    return { notebooks: (await this.store.list(owner)).map(toSummary), limits: NOTEBOOK_LIMITS };
  }

  async get(owner: string, id: string): Promise<Notebook> {
    return toNotebook(await this.owned(owner, id));
  }

  async create(owner: string, name: string, content: string): Promise<Notebook> {
    checkSize(content);
    const made = await this.store.create({ id: randomUUID(), owner, name, content, at: this.now() }, NOTEBOOK_LIMITS.maxNotebooks);
    if (!made) throw new NotebookLimitError(NOTEBOOK_LIMITS.maxNotebooks);
    return toNotebook(made);
  }

  async update(owner: string, id: string, expectedVersion: number, change: { name?: string; content?: string }): Promise<NotebookSummary> {
    if (change.content !== undefined) checkSize(change.content);
    const outcome = await this.store.update(owner, id, expectedVersion, change, this.now());
    if (outcome.kind === 'missing') throw new NotebookNotFoundError(id);
    if (outcome.kind === 'stale') throw new StaleNotebookError(expectedVersion, outcome.version);
    const { content, ...summary } = toNotebook(outcome.notebook);
    return { ...summary, bytes: Buffer.byteLength(content) };
  }

  async delete(owner: string, id: string): Promise<void> {
    if (!(await this.store.delete(owner, id))) throw new NotebookNotFoundError(id);
  }

  async duplicate(owner: string, id: string, name?: string): Promise<Notebook> {
    const source = await this.owned(owner, id);
    return this.create(owner, name ?? clip(`Copy of ${source.name}`), source.content);
  }

  /** Takes (or retakes) the notebook's snapshot with these results; the link stays the same. */
  async share(owner: string, id: string, results: Record<string, unknown> | undefined, origin: string): Promise<ShareLink> {
    const notebook = await this.owned(owner, id);
    const snapshot = JSON.stringify({ name: notebook.name, content: notebook.content, results: results ?? null } satisfies Snapshot);
    const bytes = Buffer.byteLength(snapshot);
    if (bytes > NOTEBOOK_LIMITS.maxShareBytes) throw new ShareTooLargeError(bytes, NOTEBOOK_LIMITS.maxShareBytes);
    const share = await this.store.share(owner, id, randomBytes(16).toString('base64url'), snapshot, this.now());
    if (!share) throw new NotebookNotFoundError(id); // deleted meanwhile
    return { token: share.token, url: shareUrl(origin, share.token), sharedAt: share.updatedAt.toISOString() };
  }

  /** Stops sharing: the link stops working. False when it was not shared. */
  async unshare(owner: string, id: string): Promise<boolean> {
    await this.owned(owner, id);
    return this.store.unshare(owner, id);
  }

  async shared(token: string): Promise<SharedNotebook> {
    const share = await this.store.shared(token);
    if (!share) throw new SharedNotebookNotFoundError();
    const s = readSnapshot(share);
    return { token: share.token, name: s.name, content: s.content, results: s.results, sharedAt: share.updatedAt.toISOString() };
  }

  /** A new notebook of the caller's with the shared copy's content. */
  async fork(owner: string, token: string): Promise<Notebook> {
    const shared = await this.shared(token);
    return this.create(owner, shared.name, shared.content);
  }

  private async owned(owner: string, id: string): Promise<NotebookRecord> {
    const n = await this.store.get(owner, id);
    if (!n) throw new NotebookNotFoundError(id);
    return n;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}

export function shareUrl(origin: string, token: string): string {
  return `${origin}/?share=${encodeURIComponent(token)}`;
}

function checkSize(content: string): void {
  const bytes = Buffer.byteLength(content);
  if (bytes > NOTEBOOK_LIMITS.maxBytes) throw new NotebookTooLargeError(bytes, NOTEBOOK_LIMITS.maxBytes);
}

function clip(name: string): string {
  return name.length > NAME_MAX_CHARS ? `${name.slice(0, NAME_MAX_CHARS - 1)}…` : name;
}

function readSnapshot(share: ShareRecord): Snapshot {
  const s = JSON.parse(share.snapshot) as Partial<Snapshot>;
  return { name: String(s.name ?? 'Shared notebook'), content: String(s.content ?? ''), results: s.results ?? null };
}

function toSummary(n: NotebookSummaryRecord): NotebookSummary {
  return {
    id: n.id,
    name: n.name,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    version: n.version,
    bytes: n.bytes,
    shareToken: n.shareToken,
  };
}

function toNotebook(n: NotebookRecord): Notebook {
  return { ...toSummary({ ...n, bytes: Buffer.byteLength(n.content) }), content: n.content };
}
