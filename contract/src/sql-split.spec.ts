import { describe, expect, it } from 'vitest';
import { maskBackslashes, requestPosition, splitSql } from './sql-split';

describe(splitSql.name, () => {
  it('splits on semicolons outside quotes, dollar quotes and comments', () => {
    const sql = `BEGIN; /*/* SELECT 1; */ SELECT 2; */; SELECT ';'';'; SELECT $x$;$x$; -- COMMIT;`;
    expect(splitSql(sql).map((s) => s.text)).toEqual(['BEGIN', "SELECT ';'';'", 'SELECT $x$;$x$']);
  });

  it('keeps a comment that leads a statement', () => {
    const sql = "select ';' ; select $x$;$x$; /* ; */ select 3";
    expect(splitSql(sql).map((s) => s.text)).toEqual(["select ';'", 'select $x$;$x$', '/* ; */ select 3']);
  });

  it('drops empty and comment-only pieces but keeps comments inside a statement', () => {
    const sql = ';;\n-- just a note\n;\nselect 1 -- trailing\n; /* only */ ;';
    expect(splitSql(sql).map((s) => s.text)).toEqual(['select 1 -- trailing']);
    expect(splitSql('-- just a comment\n;  ; select 1; /* c */ ;\n-- tail').map((s) => s.text)).toEqual(['select 1']);
  });

  it('returns nothing for whitespace', () => {
    expect(splitSql('  \n ')).toEqual([]);
  });

  it('keeps a function body with semicolons in one piece', () => {
    const sql = 'create function f() returns int language plpgsql as $$ begin return 1; end $$; select f()';
    expect(splitSql(sql)).toHaveLength(2);
  });

  it('keeps an unterminated string as the last statement so Postgres reports it', () => {
    expect(splitSql("select 1; select 'abc").map((s) => s.text)).toEqual(['select 1', "select 'abc"]);
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
    for (const [sql, expected] of cases) expect({ sql, split: splitSql(sql).map((s) => s.text) }).toEqual({ sql, split: expected });
  });

  it('keeps every offset when masking backslashes', () => {
    const sql = String.raw`select E'\x41\\', 'a\' -- \ ; note` + '\\';
    expect(maskBackslashes(sql)).toHaveLength(sql.length);
    expect(splitSql(sql)).toHaveLength(1);
    const two = String.raw`select E'\x41\\', 'a\'; select  2`;
    const pieces = splitSql(two);
    expect(two.slice(pieces[1].start, pieces[1].end)).toBe('select  2');
  });

  it('records where each statement starts and ends in the request', () => {
    const sql = 'select 1;\n\n   select 2';
    const [a, b] = splitSql(sql);
    expect(a.start).toBe(0);
    expect(sql.slice(b.start, b.start + b.text.length)).toBe('select 2');
    const cell = 'select 1;\n\n  select nope from t;';
    const pieces = splitSql(cell);
    expect(pieces).toHaveLength(2);
    expect(cell.slice(pieces[1].start, pieces[1].end)).toBe('select nope from t');
    expect(pieces[1].start).toBe(13);
  });
});

describe(requestPosition.name, () => {
  it('maps a statement-relative position onto the whole request', () => {
    const sql = 'select 1;\n  select nosuch from t';
    const stmt = splitSql(sql)[1];
    expect(requestPosition(sql, stmt, 8)).toBe(sql.indexOf('nosuch') + 1);
    // Postgres reports 8 for "nope" inside "select nope from t".
    const cell = 'select 1;\n  select nope from t;';
    expect(requestPosition(cell, splitSql(cell)[1], 8)).toBe(20);
  });

  it('counts characters, not UTF-16 units, as Postgres does', () => {
    const sql = "select '😀';\nselect nosuch";
    const stmt = splitSql(sql)[1];
    // 😀 is one character for Postgres but two UTF-16 units in JavaScript.
    expect(requestPosition(sql, stmt, 8)).toBe([...sql].indexOf('n') + 1);
    const cell = "select '😀'; select nope";
    expect(requestPosition(cell, splitSql(cell)[1], 8)).toBe(20);
  });
});
