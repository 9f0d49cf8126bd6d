/** What a user sees of their own sandbox: GET /api/sandbox, POST /api/sandbox/reset and /cancel. */

export type SandboxState = 'none' | 'starting' | 'ready' | 'busy';

export interface SandboxLimits {
  statementTimeoutMs: number;
  maxRows: number;
  maxSessions: number;
  maxSqlBytes: number;
  idleTimeoutMs: number;
  memoryBytes: number;
}

/** GET /api/sandbox, and the answer to POST /api/sandbox/reset. */
export interface SandboxStatus {
  userId: string;
  state: SandboxState;
  container?: string;
  createdAt?: string;
  lastUsedAt?: string;
  idleExpiresAt?: string;
  sessions: string[];
  limits: SandboxLimits;
}

/** How a session's running statement was stopped; `idle`: none was running. */
export type CancelOutcome = 'cancelled' | 'terminated' | 'replaced' | 'idle';

/** POST /api/sandbox/cancel. */
export interface CancelResult {
  cancelled: boolean;
  outcome: CancelOutcome;
}
