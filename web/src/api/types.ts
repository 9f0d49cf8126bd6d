/**
 * The API's shapes as the notebook names them, from the API contract (contract/). PGlite results
 * are normalised to the same shapes, so a cell renders either backend alike.
 */
export type {
  ResultField as Field,
  Notice,
  SqlError,
  RowsResult,
  ErrorResult,
  SandboxResult,
  SandboxStatus,
  SandboxState,
  SandboxLimits,
  Checkpoint,
  CheckpointList,
  SandboxActivity,
  SessionActivity,
  Role,
  WhoAmI as Me,
} from '@pgsbx/contract';
export { isErrorResult, ROLES, PREMIUM_ROLES } from '@pgsbx/contract';

/** An error body as read back: the controller sends ApiError, but a proxy in front may not. */
export interface ApiErrorBody {
  statusCode: number;
  error?: string;
  message: string | string[];
}
