import { docker } from './harness';

/**
 * What a user's database looks like, to compare before a hibernate and after the wake: the
 * schema as `pg_dump --schema-only` prints it (run in the container, as the user's role) and one
 * md5 per table over its rows in a fixed order, plus sequences' positions and large objects.
 */
export function schemaText(container: string): string {
  const text = docker([
    'exec',
    container,
    '/usr/lib/postgresql/17/bin/pg_dump',
    '-h',
    '/var/run/postgresql',
    '-U',
    'sandbox',
    '-d',
    'sandbox',
    '--schema-only',
  ]);
  // The restrict key pg_dump prints is random per run.
  return text.replace(/^\\(un)?restrict \S+$/gm, '');
}

export const TABLE_CHECKSUMS_SQL = `
select string_agg(format('%s=%s', t, md5), ', ' order by t) as checksums from (
  select c.oid::regclass::text as t,
         (xpath('/row/m/text()', query_to_xml(format('select md5(coalesce(string_agg(x::text, %L order by x::text), %L)) as m from %s x', '|', '', c.oid::regclass), false, true, '')))[1]::text as md5
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
) s`;
