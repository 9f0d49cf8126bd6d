import type { SandboxConnection } from '../database/sandbox-connection';

/**
 * How long one management call (connect included) may take. A healthy sandbox answers in
 * milliseconds even with every CPU busy; a paused or wedged one never does, and the escalation
 * must move on to replacing it within seconds.
 */
export const MANAGEMENT_TIMEOUT_MS = 2000;

/** The controller could not act through the management role. */
export class ManagementUnavailable extends Error {
  constructor(
    message: string,
    /** `timeout`: no answer at all (paused or stuck); `refused`: an answer that was not a result. */
    readonly kind: 'timeout' | 'refused',
  ) {
    super(message);
  }
}

/**
 * One sandbox's management connection (role pgsbx_admin), opened on first use. Every call is
 * bounded; a connection that failed or did not answer is dropped and the next call opens a new
 * one. Functions are schema-qualified, and the connection pins its own settings (see
 * database/pg-sandbox-connector.ts), so nothing a user creates or sets in the database runs here.
 */
export class ManagementConnection {
  private client?: Promise<SandboxConnection>;
  /** One call at a time: pg would queue them anyway, and warns when asked to. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly open: () => Promise<SandboxConnection>,
    private readonly timeoutMs = MANAGEMENT_TIMEOUT_MS,
  ) {}

  /** Asks the backend to cancel its statement; false when no such backend exists. */
  cancel(pid: number): Promise<boolean> {
    return this.call('select pg_catalog.pg_cancel_backend($1::pg_catalog.int4) as ok', pid);
  }

  /** Ends the backend (not catchable by the statement); false when no such backend exists. */
  terminate(pid: number): Promise<boolean> {
    return this.call('select pg_catalog.pg_terminate_backend($1::pg_catalog.int4) as ok', pid);
  }

  close(): void {
    const c = this.client;
    this.client = undefined;
    // A hung connection never finishes a polite goodbye: drop the socket. An open that failed
    // has already been reported to the call that made it; destroy() itself does not throw.
    c?.then((conn) => conn.destroy()).catch(() => undefined);
  }

  private async call(sql: string, pid: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ManagementUnavailable(`no answer within ${this.timeoutMs} ms`, 'timeout')), this.timeoutMs);
    });
    const previous = this.tail;
    const attempt = (async () => {
      await previous;
      const client = await (this.client ??= this.open());
      const rows = await client.query<{ ok: boolean }>(sql, [pid]);
      return rows[0]?.ok === true;
    })();
    this.tail = attempt.catch(() => undefined);
    try {
      return await Promise.race([attempt, timeout]);
    } catch (e) {
      this.close();
      attempt.catch(() => undefined);
      if (e instanceof ManagementUnavailable) throw e;
      throw new ManagementUnavailable((e as Error).message, 'refused');
    } finally {
      clearTimeout(timer);
    }
  }
}
