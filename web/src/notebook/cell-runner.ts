import { isErrorResult, type SandboxResult } from '../api/types';
import type { Backend } from '../backends/backend';
import { changesSchema } from '../results/format';
import type { CellRun } from './Cell';

export type RunPatch = Partial<CellRun> & Pick<CellRun, 'status'>;

/** What a run reports back while it goes (the hook turns these into React state). */
export interface RunEvents {
  update(id: string, patch: RunPatch): void;
  /** A statement changed the catalog (DDL): the schema tree is stale. */
  schemaChanged(): void;
  /** The request failed (HTTP status, network, worker crash), after the cell shows the failure. */
  failed(error: unknown): void;
}

const BLANK_RUN: CellRun = { seq: 0, status: 'done', backend: 'pglite', session: 'main', sql: '', results: [] };

/** Applies a run's patch to the map of runs (a cell without a run starts from a blank one). */
export function patchRun(runs: Record<string, CellRun>, id: string, patch: RunPatch): Record<string, CellRun> {
  return { ...runs, [id]: { ...(runs[id] ?? BLANK_RUN), ...patch } };
}

/**
 * Runs cells one at a time per backend + session (a session is one connection, so statements must
 * not interleave); different sessions run side by side. A cell still waiting can be skipped.
 */
export class CellRunner {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly skipped = new Set<string>();
  private seq = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Queues the cell; resolves true when every statement succeeded. */
  run(id: string, sql: string, backend: Backend, session: string, events: RunEvents): Promise<boolean> {
    const key = `${backend.kind}:${session}`;
    this.skipped.delete(id);
    events.update(id, {
      status: 'queued',
      seq: ++this.seq,
      backend: backend.kind,
      session,
      sql,
      results: [],
      failure: undefined,
      notices: undefined,
      elapsedMs: undefined,
    });
    const prev = this.tails.get(key) ?? Promise.resolve();
    const job = prev.then(async (): Promise<boolean> => {
      if (this.skipped.has(id)) {
        this.skipped.delete(id);
        events.update(id, { status: 'done', failure: 'Cancelled before it started.' });
        return false;
      }
      const startedAt = this.now();
      events.update(id, { status: 'running', startedAt });
      try {
        const out = await backend.exec(sql, session);
        events.update(id, {
          status: 'done',
          results: out.results,
          notices: out.notices,
          elapsedMs: this.now() - startedAt,
          version: backend.version,
        });
        // A transaction's end too: the tree waits for it in PGlite, and shows its DDL only after a commit.
        if (out.results.some((r) => changesSchema(r) || endsTransaction(r))) events.schemaChanged();
        return !out.results.some(isErrorResult);
      } catch (e) {
        events.update(id, { status: 'done', failure: e instanceof Error ? e.message : String(e), elapsedMs: this.now() - startedAt });
        events.failed(e);
        return false;
      }
    });
    this.tails.set(
      key,
      job.catch(() => false),
    );
    return job;
  }

  /** The cell is dropped when its turn comes (a running cell is cancelled on its backend instead). */
  skip(id: string): void {
    this.skipped.add(id);
  }
}

const TRANSACTION_END = /^(COMMIT|ROLLBACK|END|ABORT)\b/;
function endsTransaction(r: SandboxResult): boolean {
  return !isErrorResult(r) && TRANSACTION_END.test((r.command ?? '').toUpperCase());
}

/** Runs one after another and stops at the first that fails ("Run all"); returns that one, or null. */
export async function runUntilFailure(ids: string[], run: (id: string) => Promise<boolean>): Promise<string | null> {
  for (const id of ids) {
    const ok = await run(id);
    if (!ok) return id;
  }
  return null;
}
