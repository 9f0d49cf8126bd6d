/** GET /api/sandbox/activity: what each of the user's open sessions is doing right now. */

/** A backend another session waits for: its pid, and the user's session it belongs to, if any. */
export interface LockHolder {
  pid: number;
  session?: string;
}

export interface SessionActivity {
  /** The session's name ("main", …). */
  name: string;
  /** Its server process id. */
  pid: number;
  /** pg_stat_activity.state: `active`, `idle`, `idle in transaction`, `idle in transaction (aborted)`… */
  state: string;
  /** A transaction is open (BEGIN without COMMIT/ROLLBACK yet, or a statement running). */
  inTransaction: boolean;
  /** It waits for a lock held by these backends (empty: it waits for no lock). */
  waitingFor: LockHolder[];
}

export interface SandboxActivity {
  /** Sessions with a connection, by name; none when the user has no sandbox. */
  sessions: SessionActivity[];
}
