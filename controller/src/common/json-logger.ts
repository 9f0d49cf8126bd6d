import { LoggerService, OnApplicationShutdown } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { redactFields, redactText } from './redact';
import { currentRequest } from './request-context';

/** The levels LOG_LEVEL may name; `fatal` is written whatever LOG_LEVEL says. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
type Level = LogLevel | 'fatal';

/** A destination that can be drained synchronously (pino's sonic-boom). */
type Flushable = DestinationStream & { flushSync?: () => void };

// One asynchronous writer for fd 1 per process, shared by every logger (tests make several):
// lines are buffered and written off the request path, 4 KiB or 100 ms at a time, whichever
// comes first: a system call per access line cost more than the rest of a small exec's logging.
// pino flushes it on process exit, and crash-log.ts and the shutdown hook flush it synchronously.
let stdout: Flushable | undefined;
function stdoutDestination(): Flushable {
  return (stdout ??= pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }));
}

/**
 * One JSON object a line on stdout: `{ level, time, context, requestId?, ...fields, msg }`, with
 * `requestId` on every line written while a request is handled and secrets redacted. pino does
 * the formatting and the asynchronous writing; this keeps the `event()` calls short.
 */
export class JsonLogger implements LoggerService, OnApplicationShutdown {
  private readonly pino: Logger<never>;
  private readonly destination: Flushable;

  constructor(minLevel: LogLevel = 'info', destination?: DestinationStream) {
    this.destination = destination ?? stdoutDestination();
    this.pino = pino<never>(
      {
        level: minLevel,
        base: null,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      this.destination,
    );
  }

  isEnabled(level: Level): boolean {
    return this.pino.isLevelEnabled(level);
  }

  event(level: Level, context: string, msg: string, fields: Record<string, unknown> = {}): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const requestId = currentRequest()?.requestId;
    const line = requestId === undefined ? { context, ...fields } : { context, requestId, ...fields };
    this.pino[level](redactFields(line), redactText(msg));
  }

  /** Writes out buffered lines now: before a signal ends the process, and on a crash. */
  flush(): void {
    try {
      this.destination.flushSync?.();
    } catch {
      // Not open yet, or already closed: nothing of ours is waiting.
    }
  }

  /** Nest's last hook before it re-raises SIGTERM, which ends the process without an 'exit' event. */
  onApplicationShutdown(): void {
    this.flush();
  }

  log(message: unknown, context?: string): void {
    this.event('info', context ?? 'app', String(message));
  }
  warn(message: unknown, context?: string): void {
    this.event('warn', context ?? 'app', String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.event('error', context ?? 'app', String(message), trace ? { trace } : {});
  }
  debug(message: unknown, context?: string): void {
    this.event('debug', context ?? 'app', String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.event('debug', context ?? 'app', String(message));
  }
  fatal(message: unknown, context?: string): void {
    this.event('fatal', context ?? 'app', String(message));
  }
}
