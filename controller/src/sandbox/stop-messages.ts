import { AppConfig } from '../config/app-config';
import { StopOutcome, StopReason } from './statement-watchdog';

const seconds = (ms: number) => `${ms / 1000} s`;
const SERVER_TIMEOUT_MESSAGE = 'canceling statement due to statement timeout';

/** What a user reads when the controller stopped a statement, naming the limit it hit. */
export class StopMessages {
  constructor(private readonly config: AppConfig) {}

  /** A statement never started because the request's deadline had passed. */
  notRun(): string {
    return `Not run: ${this.requestLimit()} before this statement started; the rest of it was not run either.`;
  }

  /**
   * The message for a cancel (SQLSTATE 57014) the controller caused, which the server would
   * report as "due to user request"; undefined to keep the server's own.
   */
  cancelled(code: unknown, message: string, reason: StopReason | undefined, durationMs: number): string | undefined {
    if (code !== '57014') return undefined;
    if (reason === 'timeout' || reason === 'deadline') return `canceling statement: ${this.limit(reason)}`;
    // The server's own statement_timeout is SANDBOX_STATEMENT_TIMEOUT unless the user lowered it.
    if (message === SERVER_TIMEOUT_MESSAGE && durationMs >= this.config.statementTimeoutMs) {
      return `canceling statement: ${this.limit('timeout')}`;
    }
    // Sooner than the server's limit: the session set its own (SET statement_timeout), which the user should hear.
    if (message === SERVER_TIMEOUT_MESSAGE) {
      return `${SERVER_TIMEOUT_MESSAGE}: it ran past this session's statement_timeout (set lower than the server's ${seconds(this.config.statementTimeoutMs)} limit)`;
    }
    return undefined;
  }

  /** A statement that took more than a cancel: its session, or its whole sandbox (`endedBecause`). */
  unstopped(reason: StopReason | undefined, outcome: StopOutcome, endedBecause = 'was replaced'): string {
    const why =
      reason === 'user'
        ? 'This statement was cancelled'
        : reason === 'deadline'
          ? `This statement was running when ${this.requestLimit()}`
          : `This statement ran past the ${seconds(this.config.statementTimeoutMs)} limit (SANDBOX_STATEMENT_TIMEOUT)`;
    return outcome === 'terminated'
      ? `${why} and ignored the cancel, so its session was ended (an open transaction was rolled back). The next run opens a new session.`
      : `${why} and could not be stopped: the sandbox ${endedBecause}. The next run gets a fresh sandbox; the data in this one is gone.`;
  }

  private limit(reason: StopReason): string {
    return reason === 'deadline'
      ? `${this.requestLimit()}; the rest of the request was not run`
      : `it ran past the ${seconds(this.config.statementTimeoutMs)} limit (SANDBOX_STATEMENT_TIMEOUT)`;
  }

  private requestLimit(): string {
    return `the request ran past its ${seconds(this.config.requestTimeoutMs)} limit (SANDBOX_REQUEST_TIMEOUT)`;
  }
}
