import type { Completion } from '@codemirror/autocomplete';
import type { SQLNamespace } from '@codemirror/lang-sql';
import type { SandboxResult } from '../api/types';
import { isErrorResult } from '../api/types';

export interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
}
export interface IndexInfo {
  name: string;
  def: string;
}
export interface TableInfo {
  name: string;
  /** r table, p partitioned table, v view, m materialized view, f foreign table */
  kind: 'r' | 'p' | 'v' | 'm' | 'f';
  columns: ColumnInfo[];
  indexes: IndexInfo[];
}
export interface FunctionInfo {
  name: string;
  args: string;
  result: string | null;
  kind: 'f' | 'p' | 'a' | 'w';
}
export interface SchemaInfo {
  name: string;
  tables: TableInfo[];
  functions: FunctionInfo[];
}
export interface SchemaTree {
  schemas: SchemaInfo[];
  extensions: { name: string; version: string }[];
}

export const EMPTY_TREE: SchemaTree = { schemas: [], extensions: [] };

/**
 * One catalog query for the whole tree. Objects that belong to an extension (PostGIS' functions,
 * spatial_ref_sys, topology's tables) are left out; internal schemas are hidden unless they
 * hold user tables. Read-only and error-free, so it is safe inside a user's open transaction.
 */
export const SCHEMA_SQL = `with ext_member as (
  select classid, objid from pg_catalog.pg_depend where deptype = 'e'
), rels as (
  select c.oid, c.relnamespace, c.relname, c.relkind from pg_catalog.pg_class c
  where c.relkind in ('r','p','v','m','f')
    and not exists (select 1 from ext_member d where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid)
    and not c.relispartition
), funcs as (
  select p.oid, p.pronamespace, p.proname, p.prokind from pg_catalog.pg_proc p
  where not exists (select 1 from ext_member d where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid)
), nsp as (
  select n.oid, n.nspname from pg_catalog.pg_namespace n
  where n.nspname = 'public'
     or n.oid = pg_catalog.pg_my_temp_schema() and exists (select 1 from rels r where r.relnamespace = n.oid)
     or (n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
         and n.nspname !~ '^pg_(toast_)?temp_'
         and (n.nspname not in ('topology', 'tiger', 'tiger_data', 'postgis_topology')
              and not exists (select 1 from ext_member d where d.classid = 'pg_catalog.pg_namespace'::regclass and d.objid = n.oid)
              or exists (select 1 from rels r where r.relnamespace = n.oid)))
)
select json_build_object(
  'schemas', coalesce((select json_agg(json_build_object(
    'name', n.nspname,
    'tables', coalesce((select json_agg(json_build_object(
        'name', c.relname,
        'kind', c.relkind,
        'columns', coalesce((select json_agg(json_build_object('name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull) order by a.attnum)
                             from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]'::json),
        'indexes', coalesce((select json_agg(json_build_object('name', i.relname, 'def', pg_catalog.pg_get_indexdef(x.indexrelid)) order by i.relname)
                             from pg_catalog.pg_index x join pg_catalog.pg_class i on i.oid = x.indexrelid where x.indrelid = c.oid), '[]'::json)
      ) order by c.relname) from rels c where c.relnamespace = n.oid), '[]'::json),
    'functions', coalesce((select json_agg(json_build_object(
        'name', f.proname, 'kind', f.prokind,
        'args', pg_catalog.pg_get_function_identity_arguments(f.oid),
        'result', pg_catalog.pg_get_function_result(f.oid)) order by f.proname, f.oid)
      from funcs f where f.pronamespace = n.oid), '[]'::json)
  ) order by n.nspname <> 'public', n.nspname) from nsp n), '[]'::json),
  'extensions', coalesce((select json_agg(json_build_object('name', e.extname, 'version', e.extversion) order by e.extname)
                          from pg_catalog.pg_extension e where e.extname <> 'plpgsql'), '[]'::json)
) as tree`;

/** Reads the tree out of the result of SCHEMA_SQL. */
export function parseSchemaResult(results: SandboxResult[]): SchemaTree {
  const r = results[results.length - 1];
  if (!r) throw new Error('no result');
  if (isErrorResult(r)) throw new Error(r.error.message);
  let tree = r.rows[0]?.tree;
  if (typeof tree === 'string') tree = JSON.parse(tree);
  const t = tree as Partial<SchemaTree> | undefined;
  return { schemas: t?.schemas ?? [], extensions: t?.extensions ?? [] };
}

export function isEmptyTree(t: SchemaTree): boolean {
  return t.schemas.every((s) => s.tables.length === 0 && s.functions.length === 0);
}

/** The completion namespace for @codemirror/lang-sql: schemas → tables → columns (with types). */
export function completionSchema(tree: SchemaTree): SQLNamespace {
  const ns: { [name: string]: SQLNamespace } = {};
  for (const s of tree.schemas) {
    const tables: { [name: string]: SQLNamespace } = {};
    for (const t of s.tables) {
      tables[t.name] = {
        self: { label: t.name, type: t.kind === 'v' || t.kind === 'm' ? 'type' : 'class', detail: KIND_LABEL[t.kind] } as Completion,
        children: t.columns.map((c): Completion => ({ label: c.name, type: 'property', detail: c.type })),
      };
    }
    ns[s.name] = { self: { label: s.name, type: 'namespace' } as Completion, children: tables };
  }
  return ns;
}

export const KIND_LABEL: Record<TableInfo['kind'], string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};
