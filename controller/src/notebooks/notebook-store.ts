/**
 * Users' saved notebooks and their share snapshots (issue 13), kept in the control database next
 * to the control store's tables (migration 2 in control/pg-control-migrations.ts). A port:
 * PgNotebookStore is the real one; a fake serves unit tests and one contract suite
 * (test/support/notebook-store-contract.ts) keeps both honest. Ownership is part of every call:
 * a notebook another user owns is as missing as one that never existed.
 */

export interface NotebookRecord {
  id: string;
  owner: string;
  name: string;
  content: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** The share's token while the notebook is shared. */
  shareToken: string | null;
}

export type NotebookSummaryRecord = Omit<NotebookRecord, 'content'> & { bytes: number };

export interface NewNotebook {
  id: string;
  owner: string;
  name: string;
  content: string;
  at: Date;
}

export interface ShareRecord {
  token: string;
  notebookId: string;
  createdAt: Date;
  updatedAt: Date;
  /** JSON text: { name, content, results } as it was when last shared. */
  snapshot: string;
}

export type UpdateOutcome =
  | { kind: 'updated'; notebook: NotebookRecord }
  | { kind: 'missing' }
  /** The notebook is at `version`, not the one the write replaces: nothing was written. */
  | { kind: 'stale'; version: number };

export abstract class NotebookStore {
  /** Opens the store (the control store has applied the migrations by then). */
  abstract init(): Promise<void>;
  abstract close(): Promise<void>;

  /** The owner's notebooks, most recently updated first (ties by id). */
  abstract list(owner: string): Promise<NotebookSummaryRecord[]>;
  abstract get(owner: string, id: string): Promise<NotebookRecord | null>;
  /**
   * Inserts the notebook at version 1, unless the owner already has `maxPerOwner`: then null and
   * nothing is written. Atomic per owner: concurrent creates never pass the limit.
   */
  abstract create(notebook: NewNotebook, maxPerOwner: number): Promise<NotebookRecord | null>;
  /** Writes the given fields and bumps the version, only when the notebook is at `expectedVersion`. */
  abstract update(
    owner: string,
    id: string,
    expectedVersion: number,
    change: { name?: string; content?: string },
    at: Date,
  ): Promise<UpdateOutcome>;
  /** Deletes the notebook and its share; false when the owner has no such notebook. */
  abstract delete(owner: string, id: string): Promise<boolean>;

  /**
   * Stores the notebook's share snapshot: replaces the existing share's snapshot (its token stays),
   * or creates the share with `token`. Null when the owner has no such notebook.
   */
  abstract share(owner: string, id: string, token: string, snapshot: string, at: Date): Promise<ShareRecord | null>;
  /** Removes the share (its token stops working); false when there was none. */
  abstract unshare(owner: string, id: string): Promise<boolean>;
  /** Anyone holding the token may read the snapshot. */
  abstract shared(token: string): Promise<ShareRecord | null>;
}
