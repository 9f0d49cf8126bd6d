/** The HTTP API's shapes (DESIGN.md). No framework imports: the notebook (web/) imports these types too. */

export interface ResultField {
  name: string;
  dataTypeID: number;
}

export interface Notice {
  severity?: string;
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  where?: string;
}

export interface SqlError {
  message: string;
  code?: string;
  severity?: string;
  position?: number;
  detail?: string;
  hint?: string;
  where?: string;
}

export interface RowsResult {
  statement: string;
  command?: string;
  rows: Record<string, unknown>[];
  fields: ResultField[];
  affectedRows?: number;
  truncated?: boolean;
  notices?: Notice[];
  durationMs: number;
}

export interface ErrorResult {
  statement: string;
  error: SqlError;
  notices?: Notice[];
  durationMs?: number;
}

/** The notebook's ExtendedResults shape, extended (DESIGN.md, "HTTP API"). */
export type SandboxResult = RowsResult | ErrorResult;

/** GET /api/sandbox, and the answer to POST /api/sandbox/reset. */
export interface SandboxStatus {
  userId: string;
  state: 'none' | 'starting' | 'ready' | 'busy';
  container?: string;
  createdAt?: string;
  lastUsedAt?: string;
  idleExpiresAt?: string;
  sessions: string[];
  limits: {
    statementTimeoutMs: number;
    maxRows: number;
    maxSessions: number;
    maxSqlBytes: number;
    idleTimeoutMs: number;
    memoryBytes: number;
  };
}

/** POST /api/sandbox/cancel: what happened to the session's running statement (`idle`: none ran). */
export interface CancelResult {
  cancelled: boolean;
  outcome: 'cancelled' | 'terminated' | 'replaced' | 'idle';
}
