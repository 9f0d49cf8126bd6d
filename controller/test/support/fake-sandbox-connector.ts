import { ProtocolViolationError } from '../../src/database/protocol-frames';
import type {
  ColumnField,
  SandboxConnection,
  ServerError,
  ServerNotice,
  StatementLimits,
  StatementOutcome,
} from '../../src/database/sandbox-connection';
import { SandboxConnector, SandboxRole, SocketTamperedError } from '../../src/database/sandbox-connector';
import type { SandboxEndpoint } from '../../src/runtime/container-runtime';

/** How the fake's sets name an endpoint: the socket directory, or host:port. */
export function endpointKey(e: SandboxEndpoint): string {
  return e.kind === 'unix' ? e.dir : `${e.host}:${e.port}`;
}

/**
 * What the fake answers to one statement. Rows are given whole: `run` applies maxRows and the
 * budget the way the server and the pg adapter do. `hang` runs until a management cancel (then
 * 57014), a terminate, end() or destroy() (then `lost`); with `ignoresCancel`, a cancel does nothing.
 */
export type FakeReply =
  | {
      rows: Record<string, unknown>[];
      fields: ColumnField[];
      /** The command tag's parts: for SELECT the count is the number of rows unless given. */
      command: string;
      count?: number;
      notices?: ServerNotice[];
    }
  | { error: ServerError; notices?: ServerNotice[] }
  | { lost: string; tooLarge?: boolean }
  | { hang: true; ignoresCancel?: boolean };

/**
 * Replies the fake knows without being told; sandbox-connection.contract.ts checks each against a
 * real sandbox, so what unit tests build on is what Postgres and the pg adapter really answer.
 */
export const CANNED_REPLIES: Record<string, FakeReply> = {
  'select 1 as one': { rows: [{ one: 1 }], fields: [{ name: 'one', dataTypeID: 23 }], command: 'SELECT' },
  'select g from generate_series(1, 5) g': {
    rows: [1, 2, 3, 4, 5].map((g) => ({ g })),
    fields: [{ name: 'g', dataTypeID: 23 }],
    command: 'SELECT',
  },
  'create temp table t (x int)': { rows: [], fields: [], command: 'CREATE TABLE' },
  "do $$ begin raise notice 'hello'; end $$": {
    rows: [],
    fields: [],
    command: 'DO',
    notices: [{ severity: 'NOTICE', code: '00000', message: 'hello', where: 'PL/pgSQL function inline_code_block line 1 at RAISE' }],
  },
  'selec 1': { error: { message: 'syntax error at or near "selec"', code: '42601', severity: 'ERROR', position: 1 } },
  'select pg_sleep(60)': { hang: true },
};

export const CANCEL_BACKEND = 'select pg_catalog.pg_cancel_backend($1::pg_catalog.int4) as ok';
export const TERMINATE_BACKEND = 'select pg_catalog.pg_terminate_backend($1::pg_catalog.int4) as ok';

const CANCELLED: ServerError = { message: 'canceling statement due to user request', code: '57014', severity: 'ERROR' };

/**
 * A SandboxConnector with no server: connections answer from `replies` (then CANNED_REPLIES), and
 * the management role's cancel and terminate act on the fake's own connections by process id.
 */
export class FakeSandboxConnector extends SandboxConnector {
  /** Extra or overriding replies, by statement text. */
  readonly replies = new Map<string, FakeReply>();
  /** Socket directories with nothing listening: connect rejects with ENOENT, as before a server starts. */
  readonly unreachable = new Set<string>();
  /** Socket directories whose socket was swapped: connect throws SocketTamperedError. */
  readonly tampered = new Set<string>();
  /** Socket directories where something other than Postgres answers: connect throws ProtocolViolationError. */
  readonly hostile = new Set<string>();
  readonly opened: FakeSandboxConnection[] = [];
  private nextPid = 1000;

  async connect(endpoint: SandboxEndpoint, role: SandboxRole): Promise<FakeSandboxConnection> {
    const socketDir = endpointKey(endpoint);
    if (this.tampered.has(socketDir)) throw new SocketTamperedError('sandbox.sock is a symbolic link, not a socket');
    if (this.hostile.has(socketDir)) throw new ProtocolViolationError('unknown message type 0x51');
    if (this.unreachable.has(socketDir)) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${socketDir}'`), { code: 'ENOENT' });
    }
    const c = new FakeSandboxConnection(this, role, this.nextPid++);
    this.opened.push(c);
    return c;
  }

  async waitReady(endpoint: SandboxEndpoint): Promise<FakeSandboxConnection> {
    return this.connect(endpoint, 'sandbox');
  }

  reply(text: string): FakeReply | undefined {
    return this.replies.get(text) ?? CANNED_REPLIES[text];
  }

  backend(pid: number): FakeSandboxConnection | undefined {
    return this.opened.find((c) => c.processId === pid && c.open);
  }
}

export class FakeSandboxConnection implements SandboxConnection {
  open = true;
  /** Every statement `run` was given, in order. */
  readonly statements: string[] = [];
  private readonly listeners = new Set<(n: ServerNotice) => void>();
  private running?: { settle(o: StatementOutcome): void; ignoresCancel: boolean };

  constructor(
    private readonly connector: FakeSandboxConnector,
    readonly role: SandboxRole,
    readonly processId: number,
  ) {}

  async run(text: string, limits: StatementLimits): Promise<StatementOutcome> {
    this.statements.push(text);
    if (!this.open) return { kind: 'lost', message: 'Client was closed and is not queryable', tooLarge: false };
    const reply = this.connector.reply(text);
    if (!reply) throw new Error(`FakeSandboxConnection: no reply for ${JSON.stringify(text)}; add one to connector.replies`);
    await Promise.resolve(); // the server answers later, never within the call
    if ('hang' in reply) {
      return new Promise((settle) => (this.running = { settle, ignoresCancel: reply.ignoresCancel ?? false }));
    }
    if ('lost' in reply) {
      this.open = false;
      return { kind: 'lost', message: reply.lost, tooLarge: reply.tooLarge ?? false };
    }
    for (const n of reply.notices ?? []) this.listeners.forEach((l) => l({ ...n }));
    if ('error' in reply) return { kind: 'error', error: { ...reply.error } };
    return rowsWithin(reply, limits);
  }

  async query<R extends object = Record<string, unknown>>(text: string, params: unknown[]): Promise<R[]> {
    if (!this.open) throw new Error('Client was closed and is not queryable');
    const target = this.connector.backend(Number(params[0]));
    if (text === CANCEL_BACKEND) {
      target?.cancelled();
      return [{ ok: target !== undefined } as R];
    }
    if (text === TERMINATE_BACKEND) {
      target?.drop('terminating connection due to administrator command');
      return [{ ok: target !== undefined } as R];
    }
    throw new Error(`FakeSandboxConnection: no query ${JSON.stringify(text)}`);
  }

  onNotice(listener: (notice: ServerNotice) => void): () => void {
    const l = (n: ServerNotice) => listener(n);
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }

  async end(): Promise<void> {
    this.drop('Connection terminated');
  }

  destroy(): void {
    this.drop('Connection terminated unexpectedly');
  }

  /** The server's cancel arriving: a running statement that honours it ends with 57014. */
  private cancelled(): void {
    if (!this.running || this.running.ignoresCancel) return;
    this.running.settle({ kind: 'error', error: { ...CANCELLED } });
    this.running = undefined;
  }

  private drop(message: string): void {
    this.open = false;
    this.running?.settle({ kind: 'lost', message, tooLarge: false });
    this.running = undefined;
  }
}

/**
 * maxRows as the server's row limit does it (it suspends the portal: no command tag, so SELECT and
 * no count), then the byte budget as the adapter spends it (the tag still arrives).
 */
function rowsWithin(reply: Extract<FakeReply, { rows: unknown }>, { maxRows, budget }: StatementLimits): StatementOutcome {
  const suspended = reply.rows.length > maxRows;
  let truncated = suspended;
  const rows: Record<string, unknown>[] = [];
  for (const row of reply.rows.slice(0, maxRows)) {
    const cost = Buffer.byteLength(JSON.stringify(row));
    if (cost > budget.bytesLeft) {
      budget.bytesLeft = 0;
      truncated = true;
      break;
    }
    budget.bytesLeft -= cost;
    rows.push({ ...row });
  }
  return {
    kind: 'rows',
    fields: reply.fields.map((f) => ({ ...f })),
    rows,
    command: suspended ? 'SELECT' : reply.command,
    count: suspended ? undefined : (reply.count ?? (reply.command === 'SELECT' ? reply.rows.length : undefined)),
    truncated,
  };
}
