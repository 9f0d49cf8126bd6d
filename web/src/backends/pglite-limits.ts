import type { SandboxResult } from '../api/types';

/**
 * What PGlite in the page cannot do the way a server does, found in a statement before it runs:
 * COPY FROM STDIN (PGlite would wait forever for data no client sends), COPY TO STDOUT (PGlite
 * drops the rows; '/dev/blob' keeps them), PostGIS (not built for PGlite), and the contrib
 * extensions PGlite ships but loads only when asked at start-up.
 */

/** SQLSTATE feature_not_supported: what Postgres itself answers for things it cannot do. */
export const NOT_SUPPORTED = '0A000';
export const POSTGIS_MESSAGE = 'PostGIS needs Real Postgres';

const COMMENTS = /--[^\n]*|\/\*[\s\S]*?\*\//g;
const strip = (stmt: string) => stmt.replace(COMMENTS, ' ').trim();

export function isCopyFromStdin(stmt: string): boolean {
  return /^copy\b[\s\S]*\bfrom\s+stdin\b/i.test(strip(stmt));
}

/** `copy … to stdout …` rewritten to PGlite's in-memory '/dev/blob' device; null for anything else. */
export function copyToBlob(stmt: string): string | null {
  const s = strip(stmt);
  if (!/^copy\b/i.test(s)) return null;
  // the last one: a query's own text, `copy (select 'to stdout') to stdout`, comes first
  const all = [...s.matchAll(/\bto\s+stdout\b/gi)];
  const last = all[all.length - 1];
  if (last?.index === undefined) return null;
  return `${s.slice(0, last.index)}to '/dev/blob'${s.slice(last.index + last[0].length)}`;
}

/** The extension names a `create extension` statement asks for (with its schema-qualified quoting removed). */
export function createdExtension(stmt: string): string | null {
  const m = /^create\s+extension\s+(?:if\s+not\s+exists\s+)?("([^"]+)"|[a-z_][\w-]*)/i.exec(strip(stmt));
  if (!m) return null;
  return m[2] ?? m[1].toLowerCase();
}

const POSTGIS = /^(postgis(_\w+)?|address_standardizer(_data_us)?)$/;
export const isPostgis = (ext: string) => POSTGIS.test(ext);

/** The contrib extensions @electric-sql/pglite 0.5 ships (`@electric-sql/pglite/contrib/<export>`), by SQL name. */
export const PGLITE_CONTRIB = [
  'amcheck',
  'auto_explain',
  'bloom',
  'btree_gin',
  'btree_gist',
  'citext',
  'cube',
  'dict_int',
  'dict_xsyn',
  'earthdistance',
  'file_fdw',
  'fuzzystrmatch',
  'hstore',
  'intarray',
  'isn',
  'lo',
  'ltree',
  'moddatetime',
  'pageinspect',
  'pg_buffercache',
  'pg_freespacemap',
  'pg_stat_statements',
  'pg_surgery',
  'pg_trgm',
  'pg_visibility',
  'pg_walinspect',
  'pgcrypto',
  'seg',
  'tablefunc',
  'tcn',
  'tsm_system_rows',
  'tsm_system_time',
  'unaccent',
  'uuid-ossp',
] as const;
export type ContribName = (typeof PGLITE_CONTRIB)[number];
const DEPENDS: Partial<Record<ContribName, ContribName[]>> = { earthdistance: ['cube'] };

export function isContrib(ext: string): ext is ContribName {
  return (PGLITE_CONTRIB as readonly string[]).includes(ext);
}

/** The bundles a statement list needs that are not loaded yet (with what they depend on). */
export function missingContrib(statements: string[], loaded: readonly string[]): ContribName[] {
  const want = new Set<ContribName>();
  for (const s of statements) {
    const ext = createdExtension(s);
    if (!ext || !isContrib(ext)) continue;
    for (const e of [...(DEPENDS[ext] ?? []), ext]) if (!loaded.includes(e)) want.add(e);
  }
  return [...want];
}

/** The result a refused statement gets, shaped like the error Postgres would give. */
export function refusal(statement: string, message: string, hint: string): SandboxResult {
  return { statement, error: { message, code: NOT_SUPPORTED, severity: 'ERROR', hint }, durationMs: 0 };
}

export const COPY_FROM_STDIN_HINT =
  'COPY … FROM STDIN needs a client that sends the rows, and the notebook has none: use INSERT … VALUES, or COPY … FROM a file in Real Postgres.';
export const POSTGIS_HINT =
  'PGlite in the page has no PostGIS. Switch to Real Postgres (bottom left): your own Postgres 17 with PostGIS 3.';

/** The hint for an extension PGlite does not have at all. */
export function missingExtensionHint(ext: string): string {
  return `PGlite ships pgvector and ${PGLITE_CONTRIB.length} contrib extensions (hstore, pg_trgm, citext, …) but not ${ext}; Real Postgres has more.`;
}
