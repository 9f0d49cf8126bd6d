import { parseSplits } from 'postgres-semicolons';

/** One statement of a cell: its text as sent to Postgres and where it sits in the cell (UTF-16 offsets). */
export interface StatementPiece {
  text: string;
  start: number;
  end: number;
}

/**
 * Splits a cell into statements the way the controller does: on the semicolons that
 * postgres-semicolons finds, dropping empty and comment-only pieces. Each piece is trimmed of
 * surrounding whitespace (comments inside it are kept, so Postgres positions stay exact).
 */
export function splitStatements(sql: string): StatementPiece[] {
  const { positions } = parseSplits(maskBackslashes(sql), true);
  const comments: [number, number][] = [];
  const cuts: number[] = [];
  for (const p of positions) {
    if (Array.isArray(p)) comments.push(p);
    else cuts.push(p);
  }
  const pieces: StatementPiece[] = [];
  let from = 0;
  const bounds = [...cuts, sql.length];
  for (const cut of bounds) {
    const raw = sql.slice(from, cut);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    const start = from + lead;
    const end = start + text.length;
    if (text && !commentOnly(sql, start, end, comments)) pieces.push({ text, start, end });
    from = cut + 1;
  }
  return pieces;
}

/**
 * postgres-semicolons ends an E'' string at any backslash not followed by a quote (`E'\x41'`,
 * `E'\\'`), and takes an identifier ending in e (`date'…'`) for the E of an E'' string. This
 * rewrites, keeping every offset, only what it misreads: backslash pairs and backslashes before
 * anything but a quote become `!` (a backslash matters to the split nowhere but before a quote
 * in an E'' string), and such an `e` becomes `x`. The result is only ever used for positions.
 * The controller's copy is controller/src/sandbox/sql-split.ts; keep them the same.
 */
export function maskBackslashes(sql: string): string {
  return sql
    .replace(/\\(\\|'|[\s\S]|$)/g, (m, next: string) => (next === '\\' ? '!!' : next === "'" ? m : `!${next}`))
    .replace(/([A-Za-z0-9_$\u0080-\uffff])[Ee]'/g, "$1x'");
}

function commentOnly(sql: string, start: number, end: number, comments: [number, number][]): boolean {
  let rest = '';
  let at = start;
  for (const [a, b] of comments) {
    if (b <= start || a >= end) continue;
    rest += sql.slice(at, Math.max(at, a));
    at = Math.max(at, b);
  }
  rest += sql.slice(at, end);
  return rest.trim() === '';
}

/** Number of characters (code points, as Postgres counts them) in s. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Maps an error position reported for one statement (1-based, in characters of piece.text)
 * to a 1-based character position in the whole cell text.
 */
export function toCellPosition(sql: string, piece: StatementPiece, statementPosition: number): number {
  return charCount(sql.slice(0, piece.start)) + statementPosition;
}

/** Converts a 1-based character position (Postgres style) into a 0-based UTF-16 offset into text. */
export function positionToOffset(text: string, position: number): number {
  let chars = 0;
  let offset = 0;
  for (const ch of text) {
    if (chars === position - 1) return offset;
    chars++;
    offset += ch.length;
  }
  return Math.min(offset, text.length);
}

/** The span to underline for an error at a 0-based offset: the token starting there (at least one character). */
export function errorSpan(text: string, offset: number): { from: number; to: number } {
  if (text.length === 0) return { from: 0, to: 0 };
  let from = Math.max(0, Math.min(offset, text.length - 1));
  // Postgres may point at whitespace before the token ("syntax error at end of input" points past the end).
  while (from > 0 && from >= text.length) from--;
  const rest = text.slice(from);
  const m = /^("(?:[^"]|"")*"|'(?:[^']|'')*'|[\p{L}\p{N}_$.]+|\S)/u.exec(rest);
  const len = m ? m[0].length : 1;
  return { from, to: Math.min(text.length, from + Math.max(1, len)) };
}
