/**
 * What POST /api/sandbox/exec answers: one result per statement of the request, in order. The
 * notebook normalises PGlite's answers to the same shapes, so a cell renders either backend alike.
 */

export interface ResultField {
  name: string;
  /** The column type's OID (`pg_type.oid`). */
  dataTypeID: number;
}

/** A NOTICE, WARNING or INFO message the statement raised. */
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
  /** SQLSTATE, e.g. `42P01`. */
  code?: string;
  severity?: string;
  /** 1-based, in characters of the whole request (not of the one statement). */
  position?: number;
  detail?: string;
  hint?: string;
  where?: string;
}

export interface RowsResult {
  statement: string;
  /** The command tag's verb: SELECT, INSERT, CREATE, … */
  command?: string;
  rows: Record<string, unknown>[];
  fields: ResultField[];
  affectedRows?: number;
  /** Set when rows were cut at the row or byte cap. */
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

export type SandboxResult = RowsResult | ErrorResult;

export function isErrorResult(r: SandboxResult): r is ErrorResult {
  return (r as ErrorResult).error !== undefined;
}
