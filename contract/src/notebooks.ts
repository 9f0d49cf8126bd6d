/**
 * Saved and shared notebooks (issue 13) under /api/notebooks and /api/shared. A notebook's
 * `content` is the notebook's own text format, opaque to the server (the web notebook stores
 * `{"cells":[{"sql":"…","kind":"markdown"?}]}`); the server only bounds its size.
 */

/** A notebook in the owner's list (no content). */
export interface NotebookSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** Starts at 1, +1 on every write; a write names the version it replaces (If-Match). */
  version: number;
  /** UTF-8 size of the content. */
  bytes: number;
  /** The share token when the notebook is shared (GET /api/shared/:token), else null. */
  shareToken: string | null;
}

export interface Notebook extends NotebookSummary {
  content: string;
}

/** GET /api/notebooks: the caller's notebooks, most recently changed first. */
export interface NotebookList {
  notebooks: NotebookSummary[];
  limits: NotebookLimits;
}

export interface NotebookLimits {
  /** Most notebooks a user may keep. */
  maxNotebooks: number;
  /** Largest content, in UTF-8 bytes. */
  maxBytes: number;
  /** Largest share snapshot (content + results), in UTF-8 bytes of its JSON. */
  maxShareBytes: number;
}

/** POST /api/notebooks. */
export interface NotebookCreate {
  name: string;
  content?: string;
}

/** PUT /api/notebooks/:id (with If-Match: the version it replaces): what changes. */
export interface NotebookUpdate {
  name?: string;
  content?: string;
}

/** POST /api/notebooks/:id/share: the last results to show with the snapshot (the client's format, JSON). */
export interface ShareRequest {
  results?: Record<string, unknown>;
}

/** POST /api/notebooks/:id/share. */
export interface ShareLink {
  token: string;
  /** The notebook page opening the shared copy. */
  url: string;
  sharedAt: string;
}

/** GET /api/shared/:token: the read-only copy, as it was when last shared. */
export interface SharedNotebook {
  token: string;
  name: string;
  content: string;
  /** The results sent when it was shared (null when none were). */
  results: Record<string, unknown> | null;
  sharedAt: string;
}
