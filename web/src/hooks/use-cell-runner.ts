import { useCallback, useMemo, useState } from 'react';
import type { Backend } from '../backends/backend';
import type { CellRun } from '../notebook/Cell';
import { CellRunner, patchRun, runUntilFailure, type RunEvents } from '../notebook/cell-runner';
import type { CellDoc, Mode } from '../notebook/store';
import { errorText, type Notify } from './status-message';
import type { Target } from './use-backend-mode';
import { useCurrentState } from './use-current-state';

interface Deps {
  currentCells: () => CellDoc[];
  target: () => Target;
  backendFor: (m: Mode) => Backend;
  refreshTree: () => Promise<void>;
  clearTree: () => void;
  pgliteRestarted: () => void;
  handleAuthFailure: (e: unknown) => void;
  notify: Notify;
}

/** Each cell's last run, and running, cancelling and "Run all" (queues in `CellRunner`). */
export function useCellRunner({
  currentCells,
  target,
  backendFor,
  refreshTree,
  clearTree,
  pgliteRestarted,
  handleAuthFailure,
  notify,
}: Deps) {
  const [runs, setRuns, currentRuns] = useCurrentState<Record<string, CellRun>>({});
  const [runner] = useState(() => new CellRunner());

  const runCell = useCallback(
    (id: string): Promise<boolean> => {
      const cell = currentCells().find((c) => c.id === id);
      if (!cell || cell.kind === 'markdown') return Promise.resolve(!!cell);
      const { mode, session } = target();
      const events: RunEvents = {
        update: (cellId, patch) => setRuns((r) => patchRun(r, cellId, patch)),
        schemaChanged: () => void refreshTree(),
        failed: handleAuthFailure,
      };
      return runner.run(id, cell.sql, backendFor(mode), session, events);
    },
    [currentCells, target, backendFor, refreshTree, handleAuthFailure, runner, setRuns],
  );

  const runAll = useCallback(async () => {
    const cells = currentCells();
    const ids = cells.filter((c) => c.sql.trim() && c.kind !== 'markdown').map((c) => c.id);
    const failed = await runUntilFailure(ids, runCell);
    if (failed === null) return;
    const at = cells.findIndex((c) => c.id === failed);
    const skipped = ids.length - ids.indexOf(failed) - 1;
    notify({
      kind: 'error',
      text: `Run all stopped at cell [${at + 1}]: it failed${skipped ? `, so the ${skipped} cell${skipped === 1 ? '' : 's'} below did not run` : ''}.`,
    });
  }, [currentCells, runCell, notify]);

  const cancelCell = useCallback(
    async (id: string) => {
      const run = currentRuns()[id];
      if (!run) return;
      if (run.status === 'queued') {
        runner.skip(id);
        return;
      }
      if (run.status !== 'running') return;
      try {
        await backendFor(run.backend).cancel(run.session);
        if (run.backend === 'pglite') {
          // PGlite cancels by restarting its database: it starts again, empty
          pgliteRestarted();
          clearTree();
          void refreshTree();
        }
      } catch (e) {
        notify({ kind: 'error', text: `Cancel failed: ${errorText(e)}` });
      }
    },
    [currentRuns, runner, backendFor, pgliteRestarted, clearTree, refreshTree, notify],
  );

  /** Forgets every run (a new notebook was imported). */
  const clearRuns = useCallback(() => setRuns({}), [setRuns]);

  const remoteBusy = useMemo(() => Object.values(runs).some((r) => r.backend === 'remote' && r.status === 'running'), [runs]);
  return { runs, runCell, runAll, cancelCell, clearRuns, remoteBusy };
}
