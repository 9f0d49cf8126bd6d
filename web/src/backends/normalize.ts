import { bytesToPgHex } from '../results/format';

/**
 * Type OIDs whose PGlite parsers differ from the controller's convention (int8/numeric as strings,
 * dates/times/intervals as Postgres text, bytea as \x…). For these, keep Postgres' text.
 */
export const TEXT_TYPES = [
  20, // int8
  1700, // numeric
  1082, // date
  1083, // time
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  1266, // timetz
  17, // bytea
];
/** The array types of TEXT_TYPES, element type → array OID. */
export const TEXT_ARRAY_TYPES: Record<number, number> = {
  1016: 20,
  1231: 1700,
  1182: 1082,
  1183: 1083,
  1115: 1114,
  1185: 1184,
  1187: 1186,
  1270: 1266,
  1001: 17,
};

/** Converts anything PGlite may still hand back (bigint, Date, bytes) into the controller's JSON convention. */
export function normalizeValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (v instanceof Uint8Array) return bytesToPgHex(v);
  if (Array.isArray(v)) return v.map(normalizeValue);
  return v;
}

export function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(row)) out[k] = normalizeValue(row[k]);
  return out;
}
