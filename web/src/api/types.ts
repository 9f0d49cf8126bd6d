/** The controller's API types (see DESIGN.md). PGlite results are normalised to the same shape. */

// One contract: the controller's own declarations (type-only, nothing is bundled).
export type {
  ResultField as Field,
  Notice,
  SqlError,
  RowsResult,
  ErrorResult,
  SandboxResult,
  SandboxStatus,
} from '../../../controller/src/sandbox/sandbox-result';
import type { ErrorResult, SandboxResult, SandboxStatus } from '../../../controller/src/sandbox/sandbox-result';

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

export type SandboxState = SandboxStatus['state'];
export type SandboxLimits = SandboxStatus['limits'];

export interface ApiErrorBody {
  statusCode: number;
  error?: string;
  message: string | string[];
}
