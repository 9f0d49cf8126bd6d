import type { SandboxResult } from '../api/types';
import { isErrorResult } from '../api/types';
import type { CellRun } from './Cell';
import type { CellDoc } from './store';

/** A cell as saved: its text and kind, no id (ids are the page's own). */
export interface SavedCell {
  sql: string;
  kind?: 'markdown';
}

/**
 * A saved notebook's content: `{"cells":[{"sql":"…"},{"sql":"# Notes","kind":"markdown"}]}`, the
 * same shape the page keeps in localStorage. JSON, not the .sql file format: it keeps every cell's
 * text exactly (the .sql format trims, and a `-- %%` line inside a cell would split it).
 */
export function cellsToContent(cells: readonly { sql: string; kind?: 'markdown' }[]): string {
  return JSON.stringify({ cells: cells.map((c) => (c.kind ? { sql: c.sql, kind: c.kind } : { sql: c.sql })) });
}

/** Reads content back; anything unreadable is one SQL cell holding the text, so nothing is lost. */
export function contentToCells(content: string): SavedCell[] {
  try {
    const parsed = JSON.parse(content) as { cells?: unknown };
    if (Array.isArray(parsed.cells)) {
      return parsed.cells.map((c: { sql?: unknown; kind?: unknown }) => ({
        sql: typeof c?.sql === 'string' ? c.sql : '',
        ...(c?.kind === 'markdown' ? { kind: 'markdown' as const } : {}),
      }));
    }
  } catch {
    // not JSON: below
  }
  return content ? [{ sql: content }] : [];
}

/** A share shows at most this many rows of each result (the rest is counted in the summary). */
export const SHARED_ROWS = 100;
/** Results beyond this many bytes of JSON are left out of a share (the server's cap is 4 MiB). */
export const SHARED_RESULTS_BYTES = 2 * 1024 * 1024;

/**
 * The cells' last finished results, keyed by the cell's index, for a share snapshot: rows cut
 * to SHARED_ROWS per result (marked truncated), and later cells dropped once the budget is spent.
 */
export function resultsForShare(cells: readonly CellDoc[], runs: Record<string, CellRun>): Record<string, SandboxResult[]> {
  const out: Record<string, SandboxResult[]> = {};
  let bytes = 0;
  cells.forEach((cell, i) => {
    const run = runs[cell.id];
    if (!run || run.status !== 'done' || cell.kind === 'markdown' || run.sql !== cell.sql) return;
    const results = run.results.map((r) =>
      isErrorResult(r) || r.rows.length <= SHARED_ROWS ? r : { ...r, rows: r.rows.slice(0, SHARED_ROWS), truncated: true },
    );
    const size = JSON.stringify(results).length;
    if (bytes + size > SHARED_RESULTS_BYTES) return;
    bytes += size;
    out[String(i)] = results;
  });
  return out;
}

/** A snapshot's results for cell `index`, when they look like results. */
export function sharedResultsOf(results: Record<string, unknown> | null, index: number): SandboxResult[] {
  const r = results?.[String(index)];
  return Array.isArray(r) ? (r.filter((x) => x && typeof x === 'object' && ('rows' in x || 'error' in x)) as SandboxResult[]) : [];
}
