import type { Field } from '../../api/types';
import { isNumericType } from '../format';

export type ChartKind = 'line' | 'bar' | 'scatter';

export interface ChartSpec {
  kind: ChartKind;
  /** The x column; its values are times for a line, categories for bars, numbers for a scatter. */
  x: string;
  /** The numeric columns drawn against x. */
  y: string[];
}

/** date, time, timetz, timestamp, timestamptz */
const TEMPORAL_OIDS = new Set([1082, 1083, 1266, 1114, 1184]);
/** text, varchar, bpchar, name, uuid, bool, enum-like labels */
const LABEL_OIDS = new Set([25, 1043, 1042, 19, 2950, 16]);

/** At most this many points are drawn; a result past it is charted from its first rows. */
export const MAX_CHART_POINTS = 5000;

/**
 * Picks a chart from the column types, as a person would: a time column and numbers → a line over
 * time; a text column and numbers → bars per label; two or more numbers and nothing else → a
 * scatter of the first against the others. Null when there is nothing numeric to draw.
 */
export function chooseChart(fields: Field[], rows: Record<string, unknown>[]): ChartSpec | null {
  if (rows.length === 0) return null;
  const numeric = fields.filter((f) => isNumericColumn(f, rows)).map((f) => f.name);
  if (numeric.length === 0) return null;
  const temporal = fields.find((f) => TEMPORAL_OIDS.has(f.dataTypeID));
  if (temporal) return { kind: 'line', x: temporal.name, y: numeric };
  const label = fields.find((f) => LABEL_OIDS.has(f.dataTypeID) && !numeric.includes(f.name));
  if (label) return { kind: 'bar', x: label.name, y: numeric };
  if (numeric.length >= 2) return { kind: 'scatter', x: numeric[0], y: numeric.slice(1) };
  return null;
}

function isNumericColumn(f: Field, rows: Record<string, unknown>[]): boolean {
  if (isNumericType(f.dataTypeID)) return true;
  // PGlite can hand back JS numbers for types the OID table does not list
  const sample = rows.slice(0, 50).map((r) => r[f.name]);
  return sample.some((v) => typeof v === 'number') && sample.every((v) => v === null || typeof v === 'number');
}

/** A value as a plotted number: int8/numeric strings parsed; NULL, NaN and ±Infinity leave a gap. */
export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || typeof v === 'boolean') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * A Postgres date/time text as epoch milliseconds: "2024-05-01", "2024-05-01 10:00:00+02",
 * "2024-05-01 10:00:00.5". Null when it is not one (BC dates, infinity, a time of day alone).
 */
export function toTime(v: unknown): number | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?([+-]\d{2}(?::?\d{2})?|Z)?$/.exec(v.trim());
  if (!m) return null;
  let zone = m[3] ?? (m[2] ? '' : 'Z');
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${zone}`);
  return Number.isNaN(t) ? null : t;
}
