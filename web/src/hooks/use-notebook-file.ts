import { useCallback } from 'react';
import type { CellDoc } from '../notebook/store';
import { exportCells, importCells } from '../sql/notebook-file';
import type { Notify } from './status-message';

interface Deps {
  currentCells: () => CellDoc[];
  replaceCells: (cells: { sql: string; kind?: 'markdown' }[]) => void;
  clearRuns: () => void;
  notify: Notify;
}

/** Export the notebook as a .sql file (a download), and import one in place of the current cells. */
export function useNotebookFile({ currentCells, replaceCells, clearRuns, notify }: Deps) {
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
      replaceCells(cells.map((c) => (c.kind === 'markdown' ? { sql: c.text, kind: 'markdown' as const } : { sql: c.text })));
      clearRuns();
      notify({ kind: 'info', text: `Imported ${cells.length} ${cells.length === 1 ? 'cell' : 'cells'} from ${f.name}.` });
    },
    [replaceCells, clearRuns, notify],
  );

  return { exportFile, importFile };
}
