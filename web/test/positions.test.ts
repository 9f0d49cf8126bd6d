import { describe, expect, it } from 'vitest';
import { requestPosition, splitSql } from '@pgsbx/contract';
import { errorSpan, positionToOffset } from '../src/sql/positions';

// Splitting and requestPosition are tested with the contract (contract/src/sql-split.spec.ts).
describe('error positions', () => {
  it('maps a statement position to a cell position', () => {
    const sql = 'select 1;\n  select nope from t;';
    const piece = splitSql(sql)[1];
    // Postgres reports 8 for "nope" inside "select nope from t"
    const cellPos = requestPosition(sql, piece, 8);
    expect(cellPos).toBe(20);
    const off = positionToOffset(sql, cellPos);
    expect(sql.slice(off, off + 4)).toBe('nope');
  });

  it('counts characters, not UTF-16 units, like Postgres', () => {
    const sql = "select '😀'; select nope";
    const piece = splitSql(sql)[1];
    const cellPos = requestPosition(sql, piece, 8);
    expect(cellPos).toBe(20);
    const off = positionToOffset(sql, cellPos);
    expect(sql.slice(off, off + 4)).toBe('nope');
  });

  it('underlines the whole token', () => {
    const sql = 'select nope_col from t';
    expect(errorSpan(sql, 7)).toEqual({ from: 7, to: 15 });
    expect(errorSpan(sql, 100)).toEqual({ from: sql.length - 1, to: sql.length });
  });
});
