import { useCallback } from 'react';
import type { CellDoc } from '../notebook/store';
import { exportCells, importCells } from '../sql/notebook-file';
import type { Confirm } from './use-confirm';
import type { Notify } from './status-message';

interface Deps {
  currentCells: () => CellDoc[];
  replaceCells: (cells: { sql: string; kind?: 'markdown' }[]) => void;
  clearRuns: () => void;
  /** Asked before an import replaces the cells. */
  confirm: Confirm;
  notify: Notify;
}

/** Export the notebook as a .sql file (a download), and import one in place of the current cells. */
export function useNotebookFile({ currentCells, replaceCells, clearRuns, confirm, notify }: Deps) {
  const exportFile = useCallback(() => {
    const cells = currentCells().map((c) => ({ kind: c.kind ?? ('sql' as const), text: c.sql }));
    const blob = new Blob([exportCells(cells)], { type: 'application/sql' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'notebook.sql';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }, [currentCells]);

  const importFile = useCallback(
    async (f: File) => {
      const cells = importCells(await f.text());
      const replaced = currentCells().filter((c) => c.sql.trim()).length;
      if (replaced) {
        const ok = await confirm({
          title: `Import ${f.name}?`,
          text: `Its ${cells.length} ${cells.length === 1 ? 'cell replaces' : 'cells replace'} the ${replaced} ${replaced === 1 ? 'cell' : 'cells'} of this notebook (their results too). Export first to keep them.`,
          confirmLabel: 'Replace the cells',
        });
        if (!ok) return;
      }
      replaceCells(cells.map((c) => (c.kind === 'markdown' ? { sql: c.text, kind: 'markdown' as const } : { sql: c.text })));
      clearRuns();
      notify({ kind: 'info', text: `Imported ${cells.length} ${cells.length === 1 ? 'cell' : 'cells'} from ${f.name}.` });
    },
    [currentCells, replaceCells, clearRuns, confirm, notify],
  );

  return { exportFile, importFile };
}
