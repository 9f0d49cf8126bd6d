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
  /** Adds a cell (below `afterId`, else at the end) that takes the focus; returns its id. */
  const add = useCallback(
    (afterId?: string, sql = '', kind?: 'markdown'): string => {
      const cell: CellDoc = kind ? { id: newCellId(), sql, kind } : { id: newCellId(), sql };
      setFocusId(cell.id);
      setCells((cs) => insertCell(cs, cell, afterId));
      return cell.id;
    },
    [setCells],
  );
  const addBelow = useCallback((id: string) => void add(id), [add]);
  /** SQL ⇄ markdown; the text stays. */
  const toggleKind = useCallback(
    (id: string) =>
      setCells((cs) => cs.map((c) => (c.id !== id ? c : c.kind ? { id: c.id, sql: c.sql } : { ...c, kind: 'markdown' as const }))),
    [setCells],
  );
  /** New cells with these texts (an empty list gives one empty cell). */
  const replace = useCallback(
    (cells: (string | { sql: string; kind?: 'markdown' })[]) => setCells(makeCells(cells.length ? cells : [''])),
    [setCells],
  );

  return { cells, currentCells, focusId, change, move, remove, add, addBelow, toggleKind, replace };
}
