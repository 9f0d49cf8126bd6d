/** The controller's API types (see DESIGN.md). PGlite results are normalised to the same shape. */

export interface Field {
  name: string;
  dataTypeID: number;
}

export interface Notice {
  severity?: string;
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

export interface SqlError {
  message: string;
  code?: string;
  severity?: string;
  /** 1-based character offset into the whole request (cell) text. */
  position?: number;
  detail?: string;
  hint?: string;
  where?: string;
}

export interface RowsResult {
  statement: string;
  command?: string;
  rows: Record<string, unknown>[];
  fields: Field[];
  affectedRows?: number;
  truncated?: boolean;
  notices?: (Notice | string)[];
  durationMs: number;
}

export interface ErrorResult {
  statement: string;
  error: SqlError;
  durationMs?: number;
  notices?: (Notice | string)[];
}

export type SandboxResult = RowsResult | ErrorResult;

export function isErrorResult(r: SandboxResult): r is ErrorResult {
  return (r as ErrorResult).error !== undefined;
}

export type Role = 'user' | 'sponsor' | 'pro' | 'admin';
export const ROLES: Role[] = ['user', 'sponsor', 'pro', 'admin'];
export const PREMIUM_ROLES: Role[] = ['sponsor', 'pro', 'admin'];

export interface Me {
  userId: string;
  role: Role;
  premium: boolean;
}

export type SandboxState = 'none' | 'starting' | 'ready' | 'busy';

export interface SandboxLimits {
  statementTimeoutMs: number;
  maxRows: number;
  maxSessions: number;
  maxSqlBytes: number;
  idleTimeoutMs: number;
  memoryBytes: number;
}

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

export interface ApiErrorBody {
  statusCode: number;
  error?: string;
  message: string | string[];
}
