import { formatDuration } from '../common/duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * An age or idle time in one unit, rounded down, in the syntax parseDuration reads:
 * `45s`, `90s`, `15m`, `90m`, `36h`, `3d` (a unit is used from two of it up, so 90 minutes
 * stays 90m rather than becoming 1h).
 */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  const t = Math.max(0, ms);
  const unit = t >= 2 * DAY ? DAY : t >= 2 * HOUR ? HOUR : t >= 2 * MINUTE ? MINUTE : SECOND;
  const rounded = Math.floor(t / unit) * unit;
  return rounded === 0 ? '0s' : formatDuration(rounded);
}

/** A latency in milliseconds: `18ms`, `1.25s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

/** Binary units with one decimal: `512 B`, `12.3 MiB`, `1.0 GiB`. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (Math.abs(n) < 1024) return `${n} B`;
  let v = n;
  let i = -1;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function formatPercent(p: number | null | undefined): string {
  return p === null || p === undefined ? '-' : `${p.toFixed(1)}%`;
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** A plain-text table: a header row, columns two spaces apart, no trailing spaces. */
export function table(columns: (string | Column)[], rows: string[][]): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (cols[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header)), ...rows.map((r) => line(cols.map((_, i) => r[i] ?? '')))].join('\n') + '\n';
}

/** Aligned `key  value` lines. */
export function keyValues(pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`.trimEnd()).join('\n') + '\n';
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
