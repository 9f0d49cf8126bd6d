import { useCallback, useEffect, useState } from 'react';
import { changeSql, insertCell, moveCell, removeCell } from '../notebook/cell-edits';
import { loadCells, makeCells, newCellId, saveCells, type CellDoc } from '../notebook/store';
import { useCurrentState } from './use-current-state';

/** The notebook's cells, saved to localStorage on every change. */
export function useNotebookCells() {
  const [cells, setCells, currentCells] = useCurrentState<CellDoc[]>(loadCells);
  /** A new cell takes the keyboard focus. */
  const [focusId, setFocusId] = useState<string | null>(null);

  useEffect(() => saveCells(cells), [cells]);

  const change = useCallback((id: string, sql: string) => setCells((cs) => changeSql(cs, id, sql)), [setCells]);
  const move = useCallback((id: string, delta: number) => setCells((cs) => moveCell(cs, id, delta)), [setCells]);
  const remove = useCallback((id: string) => setCells((cs) => removeCell(cs, id)), [setCells]);
  const add = useCallback(
    (afterId?: string) => {
      const cell = { id: newCellId(), sql: '' };
      setFocusId(cell.id);
      setCells((cs) => insertCell(cs, cell, afterId));
    },
    [setCells],
  );
  const addBelow = useCallback((id: string) => add(id), [add]);
  /** New cells with these SQL texts (an empty list gives one empty cell). */
  const replace = useCallback((sqls: string[]) => setCells(makeCells(sqls.length ? sqls : [''])), [setCells]);

  return { cells, currentCells, focusId, change, move, remove, add, addBelow, replace };
}
