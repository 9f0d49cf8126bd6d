import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCell, makeParsers } from '../src/backends/pglite-exec';
import { isErrorResult, type ErrorResult, type RowsResult } from '../src/api/types';
import { parseSchemaResult, SCHEMA_SQL, completionSchema } from '../src/sql/schema';
import { positionToOffset } from '../src/sql/positions';

// The same statement-by-statement runner the PGlite worker uses, against a real PGlite in Node.
describe('execCell on PGlite', () => {
  let pg: PGlite;
  const parsers = makeParsers(types.arrayParser);
  const run = (sql: string) => execCell(pg, sql, parsers);

  beforeAll(async () => {
    pg = await PGlite.create({ extensions: { vector } });
  }, 60_000);
  afterAll(async () => {
    await pg.close();
  });

  it('returns one result per statement with commands and affected rows', async () => {
    const res = await run(
      'create table t (id int primary key, v int);\ninsert into t values (1, 10), (2, 20);\nupdate t set v = 0 where id = 1;\nselect * from t order by id;',
    );
    expect(res).toHaveLength(4);
    expect(res.map((r) => (r as RowsResult).command)).toEqual(['CREATE', 'INSERT', 'UPDATE', 'SELECT']);
    expect((res[1] as RowsResult).affectedRows).toBe(2);
    expect((res[2] as RowsResult).affectedRows).toBe(1);
    expect((res[3] as RowsResult).rows).toEqual([
      { id: 1, v: 0 },
      { id: 2, v: 20 },
    ]);
    expect((res[3] as RowsResult).affectedRows).toBeUndefined();
    expect(res[0].statement).toBe('create table t (id int primary key, v int)');
  });

  it('maps the error position to the whole cell and stops at the first error', async () => {
    const sql = 'select 1;\n-- second\nselect nope from t;\nselect 3;';
    const res = await run(sql);
    expect(res).toHaveLength(2);
    const err = res[1] as ErrorResult;
    expect(isErrorResult(err)).toBe(true);
    expect(err.error.code).toBe('42703');
    const off = positionToOffset(sql, err.error.position!);
    expect(sql.slice(off, off + 4)).toBe('nope');
  });

  it('normalises values to the controller convention', async () => {
    const [r] = (await run(
      "select 9007199254740993::int8 a, 1.50::numeric b, '2024-01-02'::date c, '2024-01-02 03:04:05+00'::timestamptz d, '\\x01ff'::bytea e, array[1::int8] f, '{\"k\":1}'::jsonb g, true h, 2.5::float8 i, interval '1 day' j",
    )) as RowsResult[];
    expect(r.rows[0]).toMatchObject({
      a: '9007199254740993',
      b: '1.50',
      c: '2024-01-02',
      e: '\\x01ff',
      f: ['1'],
      g: { k: 1 },
      h: true,
      i: 2.5,
      j: '1 day',
    });
    expect(typeof r.rows[0].d).toBe('string');
  });

  it('collects notices per statement', async () => {
    const [r] = (await run("do $$ begin raise notice 'hello %', 42; end $$")) as RowsResult[];
    expect(r.notices).toEqual([expect.objectContaining({ severity: 'NOTICE', message: 'hello 42' })]);
  });

  it('has the vector extension', async () => {
    const res = await run("create extension if not exists vector; select '[1,2,3]'::vector <-> '[1,2,4]'::vector as d");
    expect((res[1] as RowsResult).rows[0].d).toBe(1);
  });

  it('reads the schema tree, leaving out extension objects', async () => {
    await run(
      'create schema app; create view app.v as select 1 as one; create index t_v on t(v); create function add1(i int) returns int language sql as $$ select i + 1 $$;',
    );
    const tree = parseSchemaResult(await run(SCHEMA_SQL));
    expect(tree.schemas.map((s) => s.name)).toEqual(['public', 'app']);
    const pub = tree.schemas[0];
    const t = pub.tables.find((x) => x.name === 't')!;
    expect(t.columns).toEqual([
      { name: 'id', type: 'integer', notNull: true },
      { name: 'v', type: 'integer', notNull: false },
    ]);
    expect(t.indexes.map((i) => i.name).sort()).toEqual(['t_pkey', 't_v']);
    expect(pub.functions.map((f) => f.name)).toEqual(['add1']); // the vector extension's functions are hidden
    expect(tree.schemas[1].tables).toEqual([expect.objectContaining({ name: 'v', kind: 'v' })]);
    expect(tree.extensions.map((e) => e.name)).toContain('vector');
    const ns = completionSchema(tree) as Record<string, { children: Record<string, unknown> }>;
    expect(Object.keys(ns.public.children)).toContain('t');
  });
});
