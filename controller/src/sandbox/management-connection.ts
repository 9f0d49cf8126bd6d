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

/** One backend as the management role sees it. */
export interface BackendActivity {
  pid: number;
  /** pg_stat_activity.state: active, idle, idle in transaction, … */
  state: string;
  inTransaction: boolean;
  /** Lock, LWLock, IO, Client…; absent when it waits for nothing. */
  waitEventType?: string;
  /** The backends holding the locks it waits for. */
  blockedBy: number[];
}

/** An int4[] as the driver gives it: an array, or Postgres's `{1,2}` text when no parser is set. */
function pidList(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'string') return v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
  return [];
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
  async cancel(pid: number): Promise<boolean> {
    const rows = await this.call<{ ok: boolean }>('select pg_catalog.pg_cancel_backend($1::pg_catalog.int4) as ok', [pid]);
    return rows[0]?.ok === true;
  }

  /** Ends the backend (not catchable by the statement); false when no such backend exists. */
  async terminate(pid: number): Promise<boolean> {
    const rows = await this.call<{ ok: boolean }>('select pg_catalog.pg_terminate_backend($1::pg_catalog.int4) as ok', [pid]);
    return rows[0]?.ok === true;
  }

  /**
   * What each of these backends is doing (pg_stat_activity, readable through pg_monitor) and
   * which backends hold the locks it waits for (pg_blocking_pids). Backends that are gone are
   * left out.
   */
  async activity(pids: number[]): Promise<BackendActivity[]> {
    if (pids.length === 0) return [];
    const rows = await this.call<{
      pid: number;
      state: string | null;
      in_transaction: boolean;
      wait_event_type: string | null;
      blocked_by: unknown;
    }>(
      `select a.pid, a.state, a.xact_start is not null as in_transaction, a.wait_event_type,
              pg_catalog.pg_blocking_pids(a.pid) as blocked_by
         from pg_catalog.pg_stat_activity a
        where a.pid operator(pg_catalog.=) any ($1::pg_catalog.int4[])`,
      [pids],
    );
    return rows.map((r) => ({
      pid: Number(r.pid),
      state: r.state ?? 'unknown',
      inTransaction: r.in_transaction === true,
      waitEventType: r.wait_event_type ?? undefined,
      blockedBy: pidList(r.blocked_by),
    }));
  }

  close(): void {
    const c = this.client;
    this.client = undefined;
    // A hung connection never finishes a polite goodbye: drop the socket. An open that failed
    // has already been reported to the call that made it; destroy() itself does not throw.
    c?.then((conn) => conn.destroy()).catch(() => undefined);
  }

  private async call<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ManagementUnavailable(`no answer within ${this.timeoutMs} ms`, 'timeout')), this.timeoutMs);
    });
    const previous = this.tail;
    const attempt = (async () => {
      await previous;
      const client = await (this.client ??= this.open());
      return client.query<R>(sql, params);
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
