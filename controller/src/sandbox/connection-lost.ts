/** A session's connection is gone (or never opened): the statement ends as a FATAL result and the session closes. */
export class ConnectionLost extends Error {
  constructor(
    message: string,
    /** What the user reads instead of the generic "connection was lost" text. */
    readonly userMessage?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
