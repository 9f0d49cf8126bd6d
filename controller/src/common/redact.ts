/**
 * What must never reach a log line: credentials under names that say so (`authorization`,
 * `cookie`, `password`, anything ending in `token`) at any depth we log, and JWTs or bearer
 * credentials inside free text (an error message that quotes a header). Done here rather than
 * with pino's `redact` paths, which must spell out every path and cannot look inside strings.
 */
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|password|.*token)$/i;
// A JWT (base64url of `{"`, dot, dot), or what follows `Bearer ` when it is long enough to be one.
const IN_TEXT = /\beyJ[\w-]*\.[\w-]*\.[\w-]*|\bBearer\s+[\w.~+/=-]{16,}/gi;
const MAYBE_IN_TEXT = /eyJ|bearer/i;
const MAX_DEPTH = 4;

export const REDACTED = '[redacted]';

export function redactText(s: string): string {
  if (!MAYBE_IN_TEXT.test(s)) return s;
  return s.replace(IN_TEXT, (m) => (/^bearer/i.test(m) ? `Bearer ${REDACTED}` : REDACTED));
}

/** A copy of `fields` with secrets replaced; values without any are returned as they are. */
export function redactFields<T extends Record<string, unknown>>(fields: T): T {
  return redactValue(fields, 0) as T;
}

function redactValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return redactText(v);
  if (v === null || typeof v !== 'object' || depth >= MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  if (v instanceof Error) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) && x != null ? REDACTED : redactValue(x, depth + 1);
  return out;
}
