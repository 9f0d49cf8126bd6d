import type { Extension } from '@electric-sql/pglite';
import type { ContribName } from './pglite-limits';

/**
 * The contrib bundles by SQL name, each a separate chunk (its .tar.gz is fetched only when a
 * `create extension` asks for it, or when a saved database uses it).
 */
const LOADERS: Record<ContribName, () => Promise<Extension>> = {
  amcheck: () => import('@electric-sql/pglite/contrib/amcheck').then((m) => m.amcheck),
  auto_explain: () => import('@electric-sql/pglite/contrib/auto_explain').then((m) => m.auto_explain),
  bloom: () => import('@electric-sql/pglite/contrib/bloom').then((m) => m.bloom),
  btree_gin: () => import('@electric-sql/pglite/contrib/btree_gin').then((m) => m.btree_gin),
  btree_gist: () => import('@electric-sql/pglite/contrib/btree_gist').then((m) => m.btree_gist),
  citext: () => import('@electric-sql/pglite/contrib/citext').then((m) => m.citext),
  cube: () => import('@electric-sql/pglite/contrib/cube').then((m) => m.cube),
  dict_int: () => import('@electric-sql/pglite/contrib/dict_int').then((m) => m.dict_int),
  dict_xsyn: () => import('@electric-sql/pglite/contrib/dict_xsyn').then((m) => m.dict_xsyn),
  earthdistance: () => import('@electric-sql/pglite/contrib/earthdistance').then((m) => m.earthdistance),
  file_fdw: () => import('@electric-sql/pglite/contrib/file_fdw').then((m) => m.file_fdw),
  fuzzystrmatch: () => import('@electric-sql/pglite/contrib/fuzzystrmatch').then((m) => m.fuzzystrmatch),
  hstore: () => import('@electric-sql/pglite/contrib/hstore').then((m) => m.hstore),
  intarray: () => import('@electric-sql/pglite/contrib/intarray').then((m) => m.intarray),
  isn: () => import('@electric-sql/pglite/contrib/isn').then((m) => m.isn),
  lo: () => import('@electric-sql/pglite/contrib/lo').then((m) => m.lo),
  ltree: () => import('@electric-sql/pglite/contrib/ltree').then((m) => m.ltree),
  moddatetime: () => import('@electric-sql/pglite/contrib/moddatetime').then((m) => m.moddatetime),
  pageinspect: () => import('@electric-sql/pglite/contrib/pageinspect').then((m) => m.pageinspect),
  pg_buffercache: () => import('@electric-sql/pglite/contrib/pg_buffercache').then((m) => m.pg_buffercache),
  pg_freespacemap: () => import('@electric-sql/pglite/contrib/pg_freespacemap').then((m) => m.pg_freespacemap),
  pg_stat_statements: () => import('@electric-sql/pglite/contrib/pg_stat_statements').then((m) => m.pg_stat_statements),
  pg_surgery: () => import('@electric-sql/pglite/contrib/pg_surgery').then((m) => m.pg_surgery),
  pg_trgm: () => import('@electric-sql/pglite/contrib/pg_trgm').then((m) => m.pg_trgm),
  pg_visibility: () => import('@electric-sql/pglite/contrib/pg_visibility').then((m) => m.pg_visibility),
  pg_walinspect: () => import('@electric-sql/pglite/contrib/pg_walinspect').then((m) => m.pg_walinspect),
  pgcrypto: () => import('@electric-sql/pglite/contrib/pgcrypto').then((m) => m.pgcrypto),
  seg: () => import('@electric-sql/pglite/contrib/seg').then((m) => m.seg),
  tablefunc: () => import('@electric-sql/pglite/contrib/tablefunc').then((m) => m.tablefunc),
  tcn: () => import('@electric-sql/pglite/contrib/tcn').then((m) => m.tcn),
  tsm_system_rows: () => import('@electric-sql/pglite/contrib/tsm_system_rows').then((m) => m.tsm_system_rows),
  tsm_system_time: () => import('@electric-sql/pglite/contrib/tsm_system_time').then((m) => m.tsm_system_time),
  unaccent: () => import('@electric-sql/pglite/contrib/unaccent').then((m) => m.unaccent),
  'uuid-ossp': () => import('@electric-sql/pglite/contrib/uuid_ossp').then((m) => m.uuid_ossp),
};

/** The extensions option for PGlite.create: the named bundles (unknown names are skipped). */
export async function loadContrib(names: readonly string[]): Promise<Record<string, Extension>> {
  const out: Record<string, Extension> = {};
  for (const n of names) {
    const load = (LOADERS as Record<string, (() => Promise<Extension>) | undefined>)[n];
    if (load) out[n.replace('-', '_')] = await load();
  }
  return out;
}
