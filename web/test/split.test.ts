import { describe, expect, it } from 'vitest';
import { errorSpan, positionToOffset, splitStatements, toCellPosition } from '../src/sql/split';

describe('splitStatements', () => {
  it('splits on semicolons outside strings, dollar quotes and comments', () => {
    const sql = "select ';' ; select $x$;$x$; /* ; */ select 3";
    expect(splitStatements(sql).map((p) => p.text)).toEqual(["select ';'", 'select $x$;$x$', '/* ; */ select 3']);
  });

  it('drops empty and comment-only pieces', () => {
    const sql = '-- just a comment\n;  ; select 1; /* c */ ;\n-- tail';
    expect(splitStatements(sql).map((p) => p.text)).toEqual(['select 1']);
  });

  it('keeps offsets that point into the whole text', () => {
    const sql = 'select 1;\n\n  select nope from t;';
    const pieces = splitStatements(sql);
    expect(pieces).toHaveLength(2);
    expect(sql.slice(pieces[1].start, pieces[1].end)).toBe('select nope from t');
    expect(pieces[1].start).toBe(13);
  });

  it('keeps an unterminated string as the last statement so Postgres reports it', () => {
    const pieces = splitStatements("select 1; select 'abc");
    expect(pieces.map((p) => p.text)).toEqual(['select 1', "select 'abc"]);
  });

  it('returns nothing for whitespace', () => {
    expect(splitStatements('  \n ')).toEqual([]);
  });
});

describe('error positions', () => {
  it('maps a statement position to a cell position', () => {
    const sql = 'select 1;\n  select nope from t;';
    const piece = splitStatements(sql)[1];
    // Postgres reports 8 for "nope" inside "select nope from t"
    const cellPos = toCellPosition(sql, piece, 8);
    expect(cellPos).toBe(20);
    const off = positionToOffset(sql, cellPos);
    expect(sql.slice(off, off + 4)).toBe('nope');
  });

  it('counts characters, not UTF-16 units, like Postgres', () => {
    const sql = "select '😀'; select nope";
    const piece = splitStatements(sql)[1];
    const cellPos = toCellPosition(sql, piece, 8);
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
