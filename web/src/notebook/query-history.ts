import type { BackendKind } from '../backends/backend';

/** One run of a cell, as the history panel lists it. */
export interface HistoryEntry {
  /** The run's sequence number: unique within a page load, used as the list key with `at`. */
  seq: number;
  at: number;
  sql: string;
  backend: BackendKind;
  session: string;
  ok: boolean;
  /** "3 rows", "42703: column … does not exist", "502 Bad Gateway"… */
  outcome: string;
  elapsedMs?: number;
}

/** The newest this many runs are kept per notebook. */
export const HISTORY_LIMIT = 200;
/** The notebook the page has until notebooks are named and saved on the server. */
export const LOCAL_NOTEBOOK = 'local';

const key = (notebook: string) => `pgsbx.history.v1.${notebook}`;

export function loadHistory(notebook: string, storage: Storage = localStorage): HistoryEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key(notebook)) ?? '[]');
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]).filter((e) => typeof e?.sql === 'string' && typeof e.at === 'number') : [];
  } catch {
    return [];
  }
}

/** Newest first; a run of the same SQL on the same backend as the newest replaces it (a cell re-run while editing is one line). */
export function addHistory(entries: HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const rest =
    entries[0] && entries[0].sql === entry.sql && entries[0].backend === entry.backend && entries[0].session === entry.session
      ? entries.slice(1)
      : entries;
  return [entry, ...rest].slice(0, HISTORY_LIMIT);
}

export function saveHistory(notebook: string, entries: HistoryEntry[], storage: Storage = localStorage): void {
  try {
    storage.setItem(key(notebook), JSON.stringify(entries));
  } catch {
    // a full localStorage keeps the previous history rather than breaking the notebook
  }
}
