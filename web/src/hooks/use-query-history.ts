import { useCallback, useEffect, useRef, useState } from 'react';
import { isErrorResult } from '../api/types';
import type { CellRun } from '../notebook/Cell';
import { addHistory, loadHistory, saveHistory, type HistoryEntry } from '../notebook/query-history';
import { summary } from '../results/format';

/**
 * The notebook's query history (localStorage, keyed by notebook): every finished run of a cell
 * is added once, newest first.
 */
export function useQueryHistory(notebook: string, runs: Record<string, CellRun>) {
  const [entries, setEntries] = useState<HistoryEntry[]>(() => loadHistory(notebook));
  const recorded = useRef(new Set<number>());
  // Another notebook opened: its own history (state derived during render, as React documents).
  const [shownFor, setShownFor] = useState(notebook);
  if (shownFor !== notebook) {
    setShownFor(notebook);
    setEntries(loadHistory(notebook));
  }

  useEffect(() => {
    let next: HistoryEntry[] | null = null;
    for (const run of Object.values(runs)) {
      if (run.status !== 'done' || recorded.current.has(run.seq) || !run.sql.trim()) continue;
      recorded.current.add(run.seq);
      next = addHistory(next ?? entries, entryOf(run));
    }
    if (next) {
      setEntries(next);
      saveHistory(notebook, next);
    }
  }, [runs, entries, notebook]);

  const clear = useCallback(() => {
    setEntries([]);
    saveHistory(notebook, []);
  }, [notebook]);

  return { entries, clear };
}

function entryOf(run: CellRun): HistoryEntry {
  const error = run.results.find(isErrorResult);
  const last = run.results[run.results.length - 1];
  let outcome: string;
  if (run.failure) outcome = run.failure;
  else if (error) outcome = `${error.error.code ? error.error.code + ': ' : ''}${error.error.message}`;
  else if (last && !isErrorResult(last)) outcome = summary(last);
  else outcome = 'no statements';
  return {
    seq: run.seq,
    at: Date.now(),
    sql: run.sql,
    backend: run.backend,
    session: run.session,
    ok: !run.failure && !error,
    outcome,
    elapsedMs: run.elapsedMs,
  };
}
