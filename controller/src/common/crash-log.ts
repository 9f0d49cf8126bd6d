import { JsonLogger } from './json-logger';

/**
 * The error that is about to end the process, as a `fatal` line flushed before Node prints it and
 * exits: a monitor, so the crash itself (stderr trace, exit code 1) stays Node's default.
 * Unhandled rejections arrive here too (origin `unhandledRejection`), as Node throws them.
 */
export function logCrashes(log: JsonLogger): void {
  process.on('uncaughtExceptionMonitor', (e: unknown, origin) => {
    const err = e instanceof Error ? e : new Error(String(e));
    log.event('fatal', 'app', 'crashed', { origin, error: err.message, stack: err.stack });
    log.flush();
  });
}
