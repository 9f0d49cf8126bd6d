import type { Connection, Submittable } from 'pg';
import { COPY_FROM_STDIN_REFUSED, ColumnField, MAX_RESULT_CHARS, ResponseBudget } from './sandbox-connection';
import { valueParser } from './pg-value-types';

interface FieldDescription {
  name: string;
  dataTypeID: number;
}
interface DataRowMessage {
  /** Bytes of the message on the wire. */
  length: number;
  fields: (string | null)[];
}
interface CommandCompleteMessage {
  text: string;
}
interface CopyDataMessage {
  chunk: Buffer;
}

/** What pg hands back: PgSandboxConnection maps it to the port's QueryOutcome. */
export interface QueryOutcome {
  fields: ColumnField[];
  rows: Record<string, unknown>[];
  /** The command tag, split: `INSERT 0 5` → command INSERT, count 5. */
  command?: string;
  count?: number;
  truncated: boolean;
  error?: Error & Record<string, unknown>;
}

/**
 * One statement over the extended protocol: Parse, Bind, Describe, Execute(maxRows + 1), Sync in
 * a single round trip. The server stops after maxRows + 1 rows (PortalSuspended), so a
 * million-row select never crosses the socket and the controller holds at most maxRows rows.
 * COPY … TO STDOUT lines come back as rows too (capped the same way); COPY … FROM STDIN is refused.
 */
export class StatementQuery implements Submittable {
  readonly outcome: QueryOutcome = { fields: [], rows: [], truncated: false };
  readonly done: Promise<QueryOutcome>;
  private settle!: (o: QueryOutcome) => void;
  private parsers: ((v: string) => unknown)[] = [];
  private settled = false;
  private copyTail = '';
  private copyRefused = false;
  private chars = 0;
  private nameBytes = 0;

  constructor(
    private readonly text: string,
    private readonly maxRows: number,
    private readonly budget: ResponseBudget = { bytesLeft: Infinity },
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  submit(connection: Connection): void {
    const stream = connection.stream as unknown as { cork?(): void; uncork?(): void };
    stream.cork?.();
    try {
      connection.parse({ text: this.text, types: [] } as never, true);
      connection.bind({ portal: '', statement: '', values: [] }, true);
      connection.describe({ type: 'P', name: '' }, true);
      connection.execute({ portal: '', rows: this.maxRows + 1 } as never, true);
      connection.sync();
    } finally {
      stream.uncork?.();
    }
  }

  handleRowDescription(msg: { fields: FieldDescription[] }): void {
    this.outcome.fields = msg.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
    this.parsers = msg.fields.map((f) => valueParser(f.dataTypeID));
    this.nameBytes = msg.fields.reduce((n, f) => n + Buffer.byteLength(f.name) + 2, 0);
  }

  handleDataRow(msg: DataRowMessage): void {
    if (this.outcome.rows.length >= this.maxRows || this.chars > MAX_RESULT_CHARS || !this.spend(msg.length + this.nameBytes)) {
      this.outcome.truncated = true;
      return;
    }
    const row: Record<string, unknown> = {};
    const { fields } = this.outcome;
    for (let i = 0; i < fields.length; i++) {
      const v = msg.fields[i];
      if (v) this.chars += v.length;
      row[fields[i].name] = v === null || v === undefined ? null : this.parsers[i](v);
    }
    this.outcome.rows.push(row);
  }

  handlePortalSuspended(): void {
    // The server stopped at the row limit; no command tag follows for a suspended portal.
    this.outcome.truncated = true;
    this.outcome.command ??= 'SELECT';
  }

  handleCommandComplete(msg: CommandCompleteMessage): void {
    const m = /^(.*?)(?: (\d+))?(?: (\d+))?$/.exec(msg.text);
    if (m) {
      this.outcome.command = m[1];
      const count = m[3] ?? m[2];
      if (count !== undefined) this.outcome.count = Number(count);
    }
  }

  handleEmptyQuery(): void {}

  /**
   * The notebook has no rows to stream. In copy-in mode the server ignores the Sync sent with the
   * query, and after CopyFail it discards everything until the next Sync: without a second Sync
   * it would wait for one forever and the session would never answer again.
   */
  handleCopyInResponse(connection: Connection): void {
    this.copyRefused = true;
    (connection as unknown as { sendCopyFail(msg: string): void }).sendCopyFail('COPY FROM STDIN is not available here');
    connection.sync();
  }

  handleCopyData(msg: CopyDataMessage): void {
    if (this.outcome.fields.length === 0) this.outcome.fields = [{ name: 'copy', dataTypeID: 25 }];
    const lines = (this.copyTail + msg.chunk.toString('utf8')).split('\n');
    this.copyTail = lines.pop() ?? '';
    for (const line of lines) {
      this.chars += line.length;
      if (this.outcome.rows.length >= this.maxRows || this.chars > MAX_RESULT_CHARS || !this.spend(Buffer.byteLength(line) + 12)) {
        this.outcome.truncated = true;
        break;
      }
      this.outcome.rows.push({ copy: line });
    }
  }

  handleError(err: Error & Record<string, unknown>): void {
    // pg forgets the active query on an error, so ReadyForQuery will not reach us; it still
    // waits for it before sending the next query on this connection.
    if (this.copyRefused && err.code === '57014') {
      // The server reports our CopyFail as a cancel; it is a refusal of an unsupported feature.
      err.code = '0A000';
      err.message = COPY_FROM_STDIN_REFUSED;
      delete err.where;
    }
    this.outcome.error ??= err;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  /** Takes a row's bytes from the request's budget; once one does not fit, none after it does. */
  private spend(bytes: number): boolean {
    if (bytes > this.budget.bytesLeft) {
      this.budget.bytesLeft = 0;
      return false;
    }
    this.budget.bytesLeft -= bytes;
    return true;
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(this.outcome);
  }
}
