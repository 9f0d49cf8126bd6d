import { JsonLogger } from './json-logger';

/**
 * A `.catch` handler for clean-up that must not fail its caller (closing a connection, removing a
 * container nobody uses any more) but must not vanish either: the failure becomes a warning.
 */
export function warnOnFailure(log: JsonLogger, context: string, msg: string, fields: Record<string, unknown> = {}): (err: unknown) => void {
  return (err) => log.event('warn', context, msg, { ...fields, error: messageOf(err) });
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
