import type { SandboxConnection } from '../database/sandbox-connection';
import type { StatementWatchdog } from './statement-watchdog';

/** One named connection of a user: its own transaction, temp tables and settings. */
export class SqlSession {
  connection?: SandboxConnection;
  private tail: Promise<unknown> = Promise.resolve();
  queued = 0;
  /** The running statement's watchdog, while one runs. */
  watchdog?: StatementWatchdog;

  constructor(readonly name: string) {}

  /** Requests on one session run one at a time, in arrival order. */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.tail.then(fn).finally(() => this.queued--);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Lets go of the connection now; the promise says how its goodbye went (never awaited for that). */
  close(): Promise<void> {
    const closing = this.connection?.end() ?? Promise.resolve();
    this.connection = undefined;
    return closing;
  }
}
