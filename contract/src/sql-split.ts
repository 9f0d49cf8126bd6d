import { parseSplits } from 'postgres-semicolons';

/**
 * One statement of a request (a notebook cell): its text as sent to Postgres and where it sits
 * in the request, as UTF-16 offsets.
 */
export interface SqlStatement {
  /** The statement, trimmed, comments kept (Postgres handles them). */
  text: string;
  /** UTF-16 index of `text` within the whole request. */
  start: number;
  /** UTF-16 index just past `text`. */
  end: number;
}

/**
 * Splits a request into statements with postgres-semicolons (quotes, dollar quotes and nested
 * comments respected), dropping empty and comment-only pieces, and keeping where each one sits so
 * an error position can be mapped back onto the whole request. The controller and the notebook's
 * PGlite backend both split with this, so a cell runs as the same statements on either.
 */
export function splitSql(sql: string): SqlStatement[] {
  const { positions } = parseSplits(maskBackslashes(sql), true);
  const comments = positions.filter((p): p is [number, number] => typeof p !== 'number');
  const cuts = [...positions.filter((p): p is number => typeof p === 'number'), sql.length];
  const out: SqlStatement[] = [];
  let start = 0;
  for (const end of cuts) {
    if (hasCode(sql, start, end, comments)) {
      const raw = sql.slice(start, end);
      const text = raw.trim();
      const lead = raw.length - raw.trimStart().length;
      out.push({ text, start: start + lead, end: start + lead + text.length });
    }
    start = end + 1;
  }
  return out;
}

/**
 * postgres-semicolons ends an E'' string at any backslash not followed by a quote (`E'\x41'`,
 * `E'\\'`), and takes an identifier ending in e (`date'…'`) for the E of an E'' string. This
 * rewrites, keeping every offset, only what it misreads: backslash pairs and backslashes before
 * anything but a quote become `!` (a backslash matters to the split nowhere but before a quote
 * in an E'' string), and such an `e` becomes `x`. The result is only ever used for positions.
 */
export function maskBackslashes(sql: string): string {
  return sql
    .replace(/\\(\\|'|[\s\S]|$)/g, (m, next: string) => (next === '\\' ? '!!' : next === "'" ? m : `!${next}`))
    .replace(/([A-Za-z0-9_$\u0080-\uffff])[Ee]'/g, "$1x'");
}

function hasCode(sql: string, start: number, end: number, comments: [number, number][]): boolean {
  let at = start;
  for (const [cs, ce] of comments) {
    if (ce <= start || cs >= end) continue;
    if (sql.slice(at, cs).trim() !== '') return true;
    at = Math.max(at, ce);
  }
  return sql.slice(at, end).trim() !== '';
}

/**
 * Maps a 1-based position that Postgres reports within one statement (in characters, i.e. code
 * points) onto the whole request, again 1-based in code points, as if the request had been sent
 * to Postgres in one piece.
 */
export function requestPosition(sql: string, stmt: SqlStatement, position: number): number {
  let index = stmt.start;
  for (let i = 1; i < position && index < sql.length; i++) {
    index += (sql.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  }
  return codePointLength(sql.slice(0, index)) + 1;
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}
