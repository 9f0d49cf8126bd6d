import type { SandboxResult } from '../api/types';

export type WorkerRequest =
  /** Starts the database: from a pristine data-directory snapshot when there is one, else with initdb. */
  | { id: number; type: 'init'; snapshot?: ArrayBuffer }
  | { id: number; type: 'exec'; sql: string }
  /** Replaces the database with a fresh one (same worker, so the compiled wasm is reused). */
  | { id: number; type: 'reset' };

export type WorkerResponse =
  | { id: number; type: 'exec'; results: SandboxResult[] }
  | { id: number; type: 'ready'; ms: number; fromSnapshot: boolean }
  | { id: number; type: 'failed'; message: string };
