import { describe, expect, it } from 'vitest';
import { errorSpan, maskBackslashes, positionToOffset, splitStatements, toCellPosition } from '../src/sql/split';

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

  it('splits after E-strings with backslash escapes, as Postgres reads them', () => {
    const cases: [string, string[]][] = [
      [String.raw`select E'\x41'; select 2`, [String.raw`select E'\x41'`, 'select 2']],
      [String.raw`select E'\\'; select 2`, [String.raw`select E'\\'`, 'select 2']],
      [String.raw`select e'\\'; select 2`, [String.raw`select e'\\'`, 'select 2']],
      [String.raw`select E'\''; select 2`, [String.raw`select E'\''`, 'select 2']],
      [String.raw`select E'it''s; \'quoted\''; select 2`, [String.raw`select E'it''s; \'quoted\''`, 'select 2']],
      [String.raw`select E'\\\'; still'; select 2`, [String.raw`select E'\\\'; still'`, 'select 2']],
      [String.raw`select U&'d\0061t\+000061'; select 2`, [String.raw`select U&'d\0061t\+000061'`, 'select 2']],
      // standard_conforming_strings is on: a backslash is an ordinary character in '…'.
      [String.raw`select '\'; select 2`, [String.raw`select '\'`, 'select 2']],
      [String.raw`select date'\'; select 2`, [String.raw`select date'\'`, 'select 2']],
      [String.raw`select $$\$$; select '\\'; select 3`, [String.raw`select $$\$$`, String.raw`select '\\'`, 'select 3']],
    ];
    for (const [sql, expected] of cases) expect({ sql, split: splitStatements(sql).map((p) => p.text) }).toEqual({ sql, split: expected });
  });

  it('keeps offsets after a masked backslash', () => {
    const sql = String.raw`select E'\x41\\', 'a\'; select  2`;
    expect(maskBackslashes(sql)).toHaveLength(sql.length);
    const pieces = splitStatements(sql);
    expect(sql.slice(pieces[1].start, pieces[1].end)).toBe('select  2');
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
