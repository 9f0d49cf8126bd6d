import { ManagementUnavailable } from './management-connection';

/**
 * How long a cancelled (then terminated) statement gets to end before the next step. A cancel
 * that is honoured ends a statement in milliseconds, even one deep in exception handlers on a
 * loaded machine; a statement still running after this is ignoring it.
 */
export const STOP_GRACE_MS = 2000;

/** Why a statement is being stopped. */
export type StopReason = 'timeout' | 'deadline' | 'user';

/** What stopped it: the cancel, the backend's termination, or replacing the whole sandbox. */
export type StopOutcome = 'cancelled' | 'terminated' | 'replaced';

/** Why the sandbox had to be replaced: it never answered, or it refused the controller. */
export interface ReplaceCause {
  kind: 'unresponsive' | 'unstoppable';
  detail: string;
}

/** The few things the watchdog does to one running statement. */
export interface StopActions {
  cancel(): Promise<boolean>;
  terminate(): Promise<boolean>;
  /** Replaces the sandbox and ends the statement's connection; must not wait on the statement. */
  replace(cause: ReplaceCause): Promise<void>;
}

/**
 * Makes sure one running statement ends: at its limit (or when asked) it cancels; a statement
 * that ignores the cancel (a loop catching query_canceled) has its backend terminated, which no
 * handler can catch; a backend that still lives, or a sandbox the management connection cannot
 * reach (paused, `connection limit 0`, `allow_connections false`), costs the user the sandbox.
 */
export class StatementWatchdog {
  private timer?: NodeJS.Timeout;
  private stopping?: Promise<StopOutcome>;
  private why?: StopReason;
  private isEnded = false;
  private wake?: () => void;

  constructor(
    /** Settles when the statement has ended, however it ended. */
    ended: Promise<unknown>,
    private readonly actions: StopActions,
    private readonly graceMs = STOP_GRACE_MS,
  ) {
    void ended.finally(() => {
      this.isEnded = true;
      this.disarm();
      this.wake?.();
    });
  }

  /** Stops the statement after `ms` with `reason`, unless it ends first. */
  arm(ms: number, reason: StopReason): void {
    this.disarm();
    this.timer = setTimeout(() => void this.stop(reason), Math.max(0, ms));
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Why the statement was stopped, if the watchdog acted. */
  get reason(): StopReason | undefined {
    return this.why;
  }

  /** What the stop did; undefined when nothing was stopped. */
  get outcome(): Promise<StopOutcome> | undefined {
    return this.stopping;
  }

  get ended(): boolean {
    return this.isEnded;
  }

  /** Starts (or joins) the escalation; resolves once the statement has ended. */
  stop(reason: StopReason): Promise<StopOutcome> {
    this.disarm();
    if (!this.stopping) {
      this.why = reason;
      this.stopping = this.escalate();
    }
    return this.stopping;
  }

  private async escalate(): Promise<StopOutcome> {
    try {
      await this.actions.cancel();
      if (await this.endsWithin(this.graceMs)) return 'cancelled';
      await this.actions.terminate();
      if (await this.endsWithin(this.graceMs)) return 'terminated';
      await this.actions.replace({ kind: 'unresponsive', detail: 'its backend did not end when terminated' });
    } catch (e) {
      if (this.isEnded) return 'cancelled';
      const m = e as Error;
      await this.actions.replace(
        m instanceof ManagementUnavailable && m.kind === 'timeout'
          ? { kind: 'unresponsive', detail: `the management connection got ${m.message}` }
          : { kind: 'unstoppable', detail: m.message },
      );
    }
    return 'replaced';
  }

  private endsWithin(ms: number): Promise<boolean> {
    if (this.isEnded) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve(this.isEnded);
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve(true);
      };
    });
  }
}
