import { useCallback } from 'react';
import type { CellDoc } from '../notebook/store';
import { exportNotebook, importNotebook } from '../sql/notebook-file';
import type { Notify } from './status-message';

interface Deps {
  currentCells: () => CellDoc[];
  replaceCells: (sqls: string[]) => void;
  clearRuns: () => void;
  notify: Notify;
}

/** Export the notebook as a .sql file (a download), and import one in place of the current cells. */
export function useNotebookFile({ currentCells, replaceCells, clearRuns, notify }: Deps) {
  const exportFile = useCallback(() => {
    const blob = new Blob([exportNotebook(currentCells().map((c) => c.sql))], { type: 'application/sql' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'notebook.sql';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }, [currentCells]);

  const importFile = useCallback(
    async (f: File) => {
      const sqls = importNotebook(await f.text());
      replaceCells(sqls);
      clearRuns();
      notify({ kind: 'info', text: `Imported ${sqls.length} ${sqls.length === 1 ? 'cell' : 'cells'} from ${f.name}.` });
    },
    [replaceCells, clearRuns, notify],
  );

  return { exportFile, importFile };
}
