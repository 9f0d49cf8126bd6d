import { describe, expect, it } from 'vitest';
import { changeSql, insertCell, moveCell, removeCell } from '../src/notebook/cell-edits';

const cells = [
  { id: 'a', sql: 'select 1' },
  { id: 'b', sql: 'select 2' },
  { id: 'c', sql: 'select 3' },
];
const ids = (cs: { id: string }[]) => cs.map((c) => c.id);

describe('cell edits', () => {
  it("changes one cell's SQL", () => {
    expect(changeSql(cells, 'b', 'select 20')).toEqual([cells[0], { id: 'b', sql: 'select 20' }, cells[2]]);
  });

  it('moves a cell up and down', () => {
    expect(ids(moveCell(cells, 'c', -1))).toEqual(['a', 'c', 'b']);
    expect(ids(moveCell(cells, 'a', 1))).toEqual(['b', 'a', 'c']);
  });

  it('leaves the list as it is for a move past either end or an unknown cell', () => {
    expect(moveCell(cells, 'a', -1)).toBe(cells);
    expect(moveCell(cells, 'c', 1)).toBe(cells);
    expect(moveCell(cells, 'zz', 1)).toBe(cells);
  });

  it('removes a cell', () => {
    expect(ids(removeCell(cells, 'b'))).toEqual(['a', 'c']);
  });

  it('inserts below a cell, or at the end', () => {
    const d = { id: 'd', sql: '' };
    expect(ids(insertCell(cells, d, 'a'))).toEqual(['a', 'd', 'b', 'c']);
    expect(ids(insertCell(cells, d))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(insertCell(cells, d, 'zz'))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never changes the list it was given', () => {
    const before = JSON.stringify(cells);
    moveCell(cells, 'a', 1);
    insertCell(cells, { id: 'd', sql: '' }, 'a');
    removeCell(cells, 'a');
    changeSql(cells, 'a', 'x');
    expect(JSON.stringify(cells)).toBe(before);
  });
});
