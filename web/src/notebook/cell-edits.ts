import type { CellDoc } from './store';

// Pure edits of the cell list: each returns the list unchanged (same array) when there is nothing to do.

export function changeSql(cells: CellDoc[], id: string, sql: string): CellDoc[] {
  return cells.map((c) => (c.id === id ? { ...c, sql } : c));
}

/** Swaps a cell with its neighbour `delta` places away; a move past either end does nothing. */
export function moveCell(cells: CellDoc[], id: string, delta: number): CellDoc[] {
  const i = cells.findIndex((c) => c.id === id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= cells.length) return cells;
  const next = cells.slice();
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}

export function removeCell(cells: CellDoc[], id: string): CellDoc[] {
  return cells.filter((c) => c.id !== id);
}

/** Inserts below `afterId`, or at the end when there is no such cell. */
export function insertCell(cells: CellDoc[], cell: CellDoc, afterId?: string): CellDoc[] {
  const i = afterId ? cells.findIndex((c) => c.id === afterId) : -1;
  if (i < 0) return [...cells, cell];
  return [...cells.slice(0, i + 1), cell, ...cells.slice(i + 1)];
}
