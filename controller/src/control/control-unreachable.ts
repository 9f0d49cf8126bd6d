/**
 * Whether a pg failure means "the control database cannot be reached right now" (answered 503,
 * try again) rather than a bug in our SQL (a 500). Kept apart so the list is read in one place.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// 08: connection exception; 57P01-03: shut down by an administrator, crashed, starting up;
// 53300: too many connections.
const SQLSTATES = /^(08...|57P0[123]|53300)$/;
const MESSAGES =
  /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end/i;

export function isControlUnreachable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err) return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (NETWORK_CODES.has(code) || SQLSTATES.test(code)) return true;
  return typeof err.message === 'string' && MESSAGES.test(err.message);
}
