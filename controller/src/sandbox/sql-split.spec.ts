import { requestPosition, splitSql } from './sql-split';

describe(splitSql.name, () => {
  it('splits on semicolons outside quotes, dollar quotes and comments', () => {
    const sql = `BEGIN; /*/* SELECT 1; */ SELECT 2; */; SELECT ';'';'; SELECT $x$;$x$; -- COMMIT;`;
    expect(splitSql(sql).map((s) => s.text)).toEqual(['BEGIN', "SELECT ';'';'", 'SELECT $x$;$x$']);
  });

  it('drops empty and comment-only pieces but keeps comments inside a statement', () => {
    const sql = ';;\n-- just a note\n;\nselect 1 -- trailing\n; /* only */ ;';
    expect(splitSql(sql).map((s) => s.text)).toEqual(['select 1 -- trailing']);
  });

  it('keeps a function body with semicolons in one piece', () => {
    const sql = 'create function f() returns int language plpgsql as $$ begin return 1; end $$; select f()';
    expect(splitSql(sql)).toHaveLength(2);
  });

  it('records where each statement starts in the request', () => {
    const sql = 'select 1;\n\n   select 2';
    const [a, b] = splitSql(sql);
    expect(a.offset).toBe(0);
    expect(sql.slice(b.offset, b.offset + b.text.length)).toBe('select 2');
  });
});

describe(requestPosition.name, () => {
  it('maps a statement-relative position onto the whole request', () => {
    const sql = 'select 1;\n  select nosuch from t';
    const stmt = splitSql(sql)[1];
    expect(requestPosition(sql, stmt, 8)).toBe(sql.indexOf('nosuch') + 1);
  });

  it('counts characters, not UTF-16 units, as Postgres does', () => {
    const sql = "select '😀';\nselect nosuch";
    const stmt = splitSql(sql)[1];
    // 😀 is one character for Postgres but two UTF-16 units in JavaScript.
    expect(requestPosition(sql, stmt, 8)).toBe([...sql].indexOf('n') + 1);
  });
});
