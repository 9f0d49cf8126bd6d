import type { Field, Notice, RowsResult, SandboxResult } from '../api/types';
import { isErrorResult } from '../api/types';

/** Builtin type OIDs the renderer treats specially. */
export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  money: 790,
  numeric: 1700,
  jsonb: 3802,
} as const;

const NUMERIC_OIDS = new Set<number>([OID.int8, OID.int2, OID.int4, OID.oid, OID.float4, OID.float8, OID.numeric, OID.money, 28, 24]);
const JSON_OIDS = new Set<number>([OID.json, OID.jsonb]);

export type CellKind = 'null' | 'number' | 'bool' | 'json' | 'text';

export interface FormattedCell {
  kind: CellKind;
  text: string;
}

export function isNumericType(oid: number): boolean {
  return NUMERIC_OIDS.has(oid);
}

export function isJsonType(oid: number): boolean {
  return JSON_OIDS.has(oid);
}

/** Formats one value for a table cell according to its column type and JS shape. */
export function formatValue(value: unknown, field?: Field): FormattedCell {
  if (value === null || value === undefined) return { kind: 'null', text: 'NULL' };
  const oid = field?.dataTypeID ?? 0;
  if (isJsonType(oid)) return { kind: 'json', text: JSON.stringify(value) };
  if (typeof value === 'boolean') return { kind: 'bool', text: value ? 'true' : 'false' };
  if (typeof value === 'number') return { kind: 'number', text: formatNumber(value) };
  if (typeof value === 'bigint') return { kind: 'number', text: value.toString() };
  if (typeof value === 'string') return { kind: isNumericType(oid) ? 'number' : 'text', text: value };
  if (Array.isArray(value)) return { kind: 'text', text: formatArray(value) };
  if (value instanceof Date) return { kind: 'text', text: value.toISOString() };
  if (value instanceof Uint8Array) return { kind: 'text', text: bytesToPgHex(value) };
  return { kind: 'json', text: JSON.stringify(value) };
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

/** Postgres array literal style: {1,2,"a b",NULL}. */
export function formatArray(values: unknown[]): string {
  const parts = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return formatArray(v);
    if (typeof v === 'string') return v === '' || /[{},"\\\s]|^NULL$/i.test(v) ? `"${v.replace(/(["\\])/g, '\\$1')}"` : v;
    if (typeof v === 'object' && !(v instanceof Date)) return JSON.stringify(v);
    return formatValue(v).text;
  });
  return `{${parts.join(',')}}`;
}

export function bytesToPgHex(bytes: Uint8Array): string {
  let s = '\\x';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'MOVE', 'FETCH']);

// Object types whose command tag has two or more words after CREATE/ALTER/DROP.
const MULTI_WORD_OBJECTS = [
  'MATERIALIZED VIEW',
  'FOREIGN DATA WRAPPER',
  'FOREIGN TABLE',
  'EVENT TRIGGER',
  'ACCESS METHOD',
  'USER MAPPING',
  'OPERATOR CLASS',
  'OPERATOR FAMILY',
  'TEXT SEARCH CONFIGURATION',
  'TEXT SEARCH DICTIONARY',
  'TEXT SEARCH PARSER',
  'TEXT SEARCH TEMPLATE',
  'DEFAULT PRIVILEGES',
];
const MODIFIERS = new Set([
  'OR',
  'REPLACE',
  'TEMP',
  'TEMPORARY',
  'UNLOGGED',
  'UNIQUE',
  'GLOBAL',
  'LOCAL',
  'RECURSIVE',
  'TRUSTED',
  'PROCEDURAL',
  'CONSTRAINT',
  'DEFAULT',
]);

/** Strips leading whitespace and comments from a statement. */
export function stripLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    s = s.trimStart();
    if (s.startsWith('--')) {
      const nl = s.indexOf('\n');
      s = nl < 0 ? '' : s.slice(nl + 1);
    } else if (s.startsWith('/*')) {
      let depth = 0;
      let i = 0;
      for (; i < s.length; i++) {
        if (s.startsWith('/*', i)) {
          depth++;
          i++;
        } else if (s.startsWith('*/', i)) {
          depth--;
          i++;
          if (depth === 0) break;
        }
      }
      s = s.slice(i + 1);
    } else return s;
  }
}

/**
 * The full command tag Postgres would print ("CREATE TABLE", "DROP INDEX", "BEGIN").
 * Drivers often report only the first word, so the rest is read from the statement.
 */
export function commandTag(statement: string, command?: string): string {
  if (command && command.includes(' ')) return command.toUpperCase();
  const words = stripLeadingComments(statement)
    .toUpperCase()
    .split(/[^A-Z_]+/)
    .filter(Boolean);
  const first = (command ?? words[0] ?? '').toUpperCase();
  if (!['CREATE', 'ALTER', 'DROP'].includes(first) || words[0] !== first) return first;
  let i = 1;
  while (i < words.length && MODIFIERS.has(words[i])) i++;
  const rest = words.slice(i).join(' ');
  const multi = MULTI_WORD_OBJECTS.find((m) => rest === m || rest.startsWith(m + ' '));
  const object = multi ?? words[i];
  return object ? `${first} ${object}` : first;
}

const TREE_CHANGING = new Set([
  'CREATE',
  'ALTER',
  'DROP',
  'COMMENT',
  'ROLLBACK',
  'IMPORT',
  'DO',
  'CALL',
  'SELECT INTO',
  'REFRESH',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'RESET',
  'DISCARD',
]);

/** Whether a result may have changed the schema (so the tree must be refreshed). */
export function changesSchema(r: SandboxResult): boolean {
  if (isErrorResult(r)) return false;
  const tag = commandTag(r.statement, r.command);
  const first = tag.split(' ')[0];
  if (TREE_CHANGING.has(first)) return true;
  // SELECT ... INTO creates a table
  return first === 'SELECT' && r.fields.length === 0 && /\binto\b/i.test(r.statement);
}

/** The one-line summary of a rows result: "3 rows", "✓ CREATE TABLE", "2 rows affected". */
export function summary(r: RowsResult): string {
  if (r.fields.length > 0) {
    const n = r.rows.length;
    return `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
  }
  const tag = commandTag(r.statement, r.command);
  if (DML.has(tag) || (tag === 'SELECT' && r.affectedRows !== undefined)) {
    const n = r.affectedRows ?? 0;
    return `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'} affected`;
  }
  return `✓ ${tag || 'OK'}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function noticeText(n: Notice | string): string {
  if (typeof n === 'string') return n;
  return `${n.severity ?? 'NOTICE'}: ${n.message}`;
}

/** Whether a result is an EXPLAIN plan, and which format. */
export function planKind(r: RowsResult): 'text' | 'json' | null {
  if (r.fields.length !== 1 || r.fields[0].name !== 'QUERY PLAN') return null;
  if (isJsonType(r.fields[0].dataTypeID)) return 'json';
  const v = r.rows[0]?.['QUERY PLAN'];
  if (Array.isArray(v) || (v && typeof v === 'object')) return 'json';
  if (typeof v === 'string' && /^\s*\[\s*\{/.test(v)) return 'json';
  return 'text';
}
