import type { SandboxResult } from '../api/types';

export type BackendKind = 'pglite' | 'remote';

export interface ExecOutcome {
  results: SandboxResult[];
  /** Messages about the run itself rather than a statement (e.g. "your previous sandbox stopped: oom"). */
  notices?: string[];
}

/** One place to run SQL: PGlite in a worker, or the user's Real Postgres container through the controller. */
export interface Backend {
  readonly kind: BackendKind;
  exec(sql: string, session: string): Promise<ExecOutcome>;
  /**
   * A read-only catalog query for the schema tree, never on the user's session or inside their
   * transaction; null when it cannot run now (the caller keeps what it showed).
   */
  readCatalog(sql: string): Promise<ExecOutcome | null>;
  /** The server's version ("18.6"), once known. */
  readonly version?: string;
  /** A fresh, empty database. */
  reset(): Promise<void>;
  cancel(session: string): Promise<void>;
  dispose(): void;
}

/** An error about the request, not the SQL (HTTP status, network, worker crash). */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
