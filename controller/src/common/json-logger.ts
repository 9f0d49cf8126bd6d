import { LoggerService } from '@nestjs/common';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** One JSON object a line on stdout: `{ time, level, context, msg, ...fields }`. */
export class JsonLogger implements LoggerService {
  constructor(private readonly minLevel: Level = 'info') {}

  event(level: Level, context: string, msg: string, fields: Record<string, unknown> = {}): void {
    if (LEVELS[level] < LEVELS[this.minLevel]) return;
    const line = { time: new Date().toISOString(), level, context, msg, ...fields };
    process.stdout.write(JSON.stringify(line) + '\n');
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
}
