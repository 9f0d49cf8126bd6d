// The wire shapes are the API contract's (contract/, served as /api/openapi.json); the sandbox
// folder's files take them from here.
export type {
  CancelResult,
  ErrorResult,
  Notice,
  ResultField,
  RowsResult,
  SandboxResult,
  SandboxStatus,
  SqlError,
} from '@pgsbx/contract';
