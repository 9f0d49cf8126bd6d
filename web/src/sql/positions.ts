// Error positions in the editor. Splitting a cell, and mapping a statement's error position onto
// the cell, is the API contract's (splitSql, requestPosition): the controller does the same.

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
