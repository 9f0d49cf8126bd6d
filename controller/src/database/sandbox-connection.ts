/**
 * One open connection to a sandbox's Postgres, as the rest of the controller sees it: no driver
 * types. The pg adapter (pg-sandbox-connection.ts) is the one implementation outside tests;
 * test/support/fake-sandbox-connector.ts is the other, and sandbox-connection.contract.ts keeps
 * the two alike.
 */
export interface SandboxConnection {
  /** The server process behind this connection: what pg_cancel_backend and pg_terminate_backend take. */
  readonly processId: number;

  /**
   * Runs one statement (no parameters) and settles once it has ended, however it ended: it never
   * rejects. Rows stop at `limits.maxRows` and when `limits.budget` runs out (then `truncated`).
   */
  run(text: string, limits: StatementLimits): Promise<StatementOutcome>;

  /** A parameterised query for the controller's own use (the management role); rejects on any error. */
  query<R extends object = Record<string, unknown>>(text: string, params: unknown[]): Promise<R[]>;

  /** Every notice the server sends on this connection, until the returned function is called. */
  onNotice(listener: (notice: ServerNotice) => void): () => void;

  /** A polite goodbye; statements after it end as `lost`. */
  end(): Promise<void>;

  /** Drops the connection at once: a hung server never answers a goodbye. */
  destroy(): void;
}

/** One protocol message (a row, an error text) larger than this closes the connection. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Rows kept per statement stop here (in characters of row text), marked truncated. */
export const MAX_RESULT_CHARS = 32 * 1024 * 1024;

export interface StatementLimits {
  maxRows: number;
  /** Shared by the statements of one request; `run` takes what its rows cost from it. */
  budget: ResponseBudget;
}

/**
 * What the statements of one request may still return, in bytes (SANDBOX_MAX_RESPONSE), shared by
 * them. A row counts its bytes on the wire plus its column names: about its JSON size.
 */
export interface ResponseBudget {
  bytesLeft: number;
}

export interface ColumnField {
  name: string;
  dataTypeID: number;
}

export type StatementOutcome = StatementRows | StatementFailed | ConnectionDropped;

/** The statement ran: its rows (COPY … TO STDOUT lines come back as rows of one `copy` column). */
export interface StatementRows {
  kind: 'rows';
  fields: ColumnField[];
  rows: Record<string, unknown>[];
  /** The command tag, split: `INSERT 0 5` → command INSERT, count 5. */
  command?: string;
  count?: number;
  truncated: boolean;
}

/** The server refused or stopped the statement; the connection is still usable. */
export interface StatementFailed {
  kind: 'error';
  error: ServerError;
}

/** The connection broke before or while the statement ran; it is no longer usable. */
export interface ConnectionDropped {
  kind: 'lost';
  message: string;
  /** Cut on purpose: one protocol message went over MAX_MESSAGE_BYTES. */
  tooLarge: boolean;
}

export interface ServerError {
  message: string;
  code?: string;
  severity?: string;
  /** 1-based character position in the statement's text. */
  position?: number;
  detail?: string;
  hint?: string;
  where?: string;
}

export interface ServerNotice {
  severity?: string;
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  where?: string;
}

/** What COPY … FROM STDIN answers: the notebook has no rows to stream after it. */
export const COPY_FROM_STDIN_REFUSED =
  'COPY … FROM STDIN is not available here: the notebook has no way to send the rows that follow it. ' +
  'Insert them with INSERT … VALUES instead (COPY … TO STDOUT works).';
