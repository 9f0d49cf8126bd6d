import type { Client } from 'pg';
import type { NoticeMessage } from 'pg-protocol/dist/messages';
import { MessageSizeGuard } from './pg-message-size-guard';
import { QueryOutcome, StatementQuery } from './pg-statement-query';
import { MessageTooLargeError } from './protocol-frames';
import { SandboxConnection, ServerNotice, StatementLimits, StatementOutcome } from './sandbox-connection';

/** A pg Client behind the SandboxConnection port; the only code that reaches into pg's internals. */
export class PgSandboxConnection implements SandboxConnection {
  /** For the connection's life, not per statement: four listeners fewer to add and remove per run. */
  private readonly guard: MessageSizeGuard;

  constructor(private readonly client: Client) {
    this.guard = new MessageSizeGuard(client);
  }

  get processId(): number {
    return (this.client as unknown as { processID?: number }).processID ?? 0;
  }

  run(text: string, limits: StatementLimits): Promise<StatementOutcome> {
    const query = new StatementQuery(text, limits.maxRows, limits.budget);
    this.client.query(query);
    return query.done.then((o) => toOutcome(o, this.guard.tripped));
  }

  async query<R extends object = Record<string, unknown>>(text: string, params: unknown[]): Promise<R[]> {
    return (await this.client.query(text, params)).rows as R[];
  }

  onNotice(listener: (notice: ServerNotice) => void): () => void {
    const onNotice = (n: NoticeMessage) =>
      listener({ severity: n.severity, code: n.code, message: n.message ?? '', detail: n.detail, hint: n.hint, where: n.where });
    this.client.on('notice', onNotice);
    return () => void this.client.off('notice', onNotice);
  }

  end(): Promise<void> {
    return this.client.end();
  }

  destroy(): void {
    (this.client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    // The socket is already gone (above): end() only settles pg's state, and fails when it notices.
    this.client.end().catch(() => undefined);
  }
}

/**
 * pg reports a broken connection to the running query as an error without a severity (the server
 * never sent it); a cut made for size looks the same, so the guard says which, or the error does:
 * the frame check in PinnedSocket cuts a message whose header claims too much as MessageTooLargeError.
 */
function toOutcome(o: QueryOutcome, cutForSize: boolean): StatementOutcome {
  const err = o.error;
  if (!err) return { kind: 'rows', fields: o.fields, rows: o.rows, command: o.command, count: o.count, truncated: o.truncated };
  if (cutForSize || err instanceof MessageTooLargeError) return { kind: 'lost', message: err.message, tooLarge: true };
  if (err.severity === undefined) return { kind: 'lost', message: err.message, tooLarge: false };
  return {
    kind: 'error',
    error: {
      message: err.message,
      code: err.code as string | undefined,
      severity: err.severity as string | undefined,
      position: err.position ? Number(err.position) : undefined,
      detail: err.detail as string | undefined,
      hint: err.hint as string | undefined,
      where: err.where as string | undefined,
    },
  };
}
