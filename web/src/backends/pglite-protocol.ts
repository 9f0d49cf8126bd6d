import type { SandboxResult } from '../api/types';

export type WorkerRequest = { id: number; type: 'exec'; sql: string } | { id: number; type: 'ready' };

export type WorkerResponse =
  | { id: number; type: 'exec'; results: SandboxResult[] }
  | { id: number; type: 'ready'; ms: number }
  | { id: number; type: 'failed'; message: string };
