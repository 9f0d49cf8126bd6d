/** What a user sees of their own sandbox: GET /api/sandbox, POST /api/sandbox/reset and /cancel. */

/** `hibernated`: no container; the database is saved and comes back on the next exec. `waking`: it is being restored. */
export type SandboxState = 'none' | 'starting' | 'ready' | 'busy' | 'hibernated' | 'waking';

export interface SandboxLimits {
  statementTimeoutMs: number;
  maxRows: number;
  maxSessions: number;
  maxSqlBytes: number;
  idleTimeoutMs: number;
  memoryBytes: number;
  maxCheckpoints: number;
  /** All of a user's saved databases together (hibernation + checkpoints). */
  archiveMaxBytes: number;
}

/** A saved database: the hibernation archive or a checkpoint. */
export interface SavedDatabase {
  savedAt: string;
  /** Size of the archive (compressed). */
  bytes: number;
}

/** GET /api/sandbox/checkpoints (and one element of it: POST answers the saved one). */
export interface Checkpoint extends SavedDatabase {
  name: string;
}

export interface CheckpointList {
  checkpoints: Checkpoint[];
  max: number;
}

/** While state is `waking`: how far the restore is. */
export interface WakeProgressView {
  startedAt: string;
  /** Size of the archive being restored. */
  bytes: number;
}

/** GET /api/sandbox, and the answer to POST /api/sandbox/reset. */
export interface SandboxStatus {
  userId: string;
  state: SandboxState;
  container?: string;
  createdAt?: string;
  lastUsedAt?: string;
  idleExpiresAt?: string;
  /** Present while hibernated: the saved database the next exec restores. */
  saved?: SavedDatabase;
  waking?: WakeProgressView;
  /** On the answer of POST /api/sandbox/wake: what was restored, and how long it took. */
  restored?: SavedDatabase & { ms: number };
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
