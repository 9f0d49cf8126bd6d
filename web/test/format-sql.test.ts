import { describe, expect, it } from 'vitest';
import { formatSql } from '../src/notebook/format-sql';

describe('SQL formatting (sql-formatter, PostgreSQL)', () => {
  it('lays a query out and keeps the keyword case the writer chose', async () => {
    const out = await formatSql('select id, name from people where born > $1 order by id;');
    expect(out).toBe('select\n  id,\n  name\nfrom\n  people\nwhere\n  born > $1\norder by\n  id;');
  });

  it('keeps dollar-quoted bodies, casts, JSON operators and PostGIS calls intact', async () => {
    const sql =
      "do $$ begin raise notice 'x;y'; end $$;\nselect doc->>'a' as a, ST_AsText(geom)::text from t where doc @> '{\"b\":1}'::jsonb;";
    const out = await formatSql(sql);
    expect(out).toContain("$$ begin raise notice 'x;y'; end $$");
    expect(out).toContain("doc ->> 'a'");
    // functions sql-formatter does not know get a space before "(" (its issue #444); Postgres accepts both
    expect(out).toMatch(/ST_AsText ?\(geom\)::text/);
    expect(out).toContain('@> \'{"b":1}\'::jsonb');
  });

  it('is stable: formatting twice changes nothing', async () => {
    const once = await formatSql("create table t (id int primary key, v text); insert into t values (1, 'a');");
    expect(await formatSql(once)).toBe(once);
  });
});
