import type { SandboxResult } from '../api/types';

/** PGlite keeps an `idb://NAME` data directory in the IndexedDB database "/pglite/NAME". */
export const PGLITE_DATA_DIR = 'pgsbx-notebook';
export const PGLITE_IDB_NAME = `/pglite/${PGLITE_DATA_DIR}`;

export type WorkerRequest =
  /**
   * Starts the database: the one saved in IndexedDB when there is one, else the pristine
   * data-directory snapshot, else initdb. `extensions`: the contrib bundles the saved one uses.
   */
  | { id: number; type: 'init'; snapshot?: ArrayBuffer; extensions: string[] }
  | { id: number; type: 'exec'; sql: string }
  /** The catalog query for the schema tree: answered `stale` inside the user's open transaction. */
  | { id: number; type: 'schema'; sql: string }
  /** Replaces the database with a fresh one (same worker, so the compiled wasm is reused). */
  | { id: number; type: 'reset'; snapshot?: ArrayBuffer };

export interface PgliteReady {
  ms: number;
  fromSnapshot: boolean;
  /** server_version, e.g. "18.6". */
  version: string;
  /** The data is kept in IndexedDB (false: another tab holds it, or the browser refused). */
  persisted: boolean;
  /** The data came back from IndexedDB (an earlier visit's). */
  restored: boolean;
}

export type WorkerResponse =
  | { id: number; type: 'exec'; results: SandboxResult[]; extensions?: string[] }
  | { id: number; type: 'stale' }
  | ({ id: number; type: 'ready' } & PgliteReady)
  | { id: number; type: 'failed'; message: string };
