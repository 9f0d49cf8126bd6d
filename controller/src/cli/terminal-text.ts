const hex2 = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/**
 * Text from a sandbox (a user's RAISE ends up in the Postgres log) made safe for an operator's
 * terminal: control characters other than newline and tab (C0, DEL, C1, so every ESC sequence)
 * are shown as `\xNN` instead of being acted on.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${hex2(c)}`);
}

/**
 * JSON text with DEL and C1 characters (legal raw in JSON strings, yet read by terminals) written
 * as `\u00NN` escapes: the same JSON value, nothing a terminal acts on.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u00${hex2(c)}`);
}
