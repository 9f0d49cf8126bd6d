import type { Field } from '../api/types';
import { formatValue } from './format';

/**
 * A result as CSV (RFC 4180): a header row, CRLF line ends, a field quoted when it holds a comma,
 * a quote, a line break or leading/trailing spaces. NULL is an empty unquoted field and the empty
 * string is `""`, as Postgres's own `COPY … (FORMAT csv)` writes them, so the two stay apart.
 */
export function toCsv(fields: Field[], rows: Record<string, unknown>[]): string {
  const lines = [fields.map((f) => csvField(f.name)).join(',')];
  for (const row of rows) {
    lines.push(
      fields
        .map((f) => {
          const v = row[f.name];
          if (v === null || v === undefined) return '';
          const text = formatValue(v, f).text;
          return text === '' ? '""' : csvField(text);
        })
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A result as a JSON array of objects in column order. Values stay as the backend gave them:
 * int8 and numeric as strings (no digits lost), json/jsonb as JSON, bytea as `\x…` text.
 */
export function toJson(fields: Field[], rows: Record<string, unknown>[]): string {
  const out = rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (const f of fields) o[f.name] = jsonValue(row[f.name]);
    return o;
  });
  return JSON.stringify(out, null, 2) + '\n';
}

function jsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v instanceof Uint8Array || v instanceof Date) return formatValue(v).text;
  return v;
}

/** Offers text as a file download (the browser's own save flow). */
export function download(text: string, fileName: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
