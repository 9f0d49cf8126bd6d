import {
  BadRequestException,
  HttpException,
  HttpStatus,
  Injectable,
  OnModuleDestroy,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { Client } from 'pg';
import type { NoticeMessage } from 'pg-protocol/dist/messages';
import { Subscription } from 'rxjs';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { AppConfig } from '../config/app-config';
import { SandboxConnector } from '../db/sandbox-connector';
import { FleetService, Sandbox } from '../fleet/fleet.service';
import { Notice, SandboxResult, SandboxStatus } from './sandbox-result';

export type { SandboxStatus };
import { SqlStatement, requestPosition, splitSql } from './sql-split';
import { MAX_NOTICES, ResponseBudget, StatementQuery } from './statement-query';

/** One protocol message (a row, an error text) larger than this closes the session. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const MAX_QUEUED_PER_SESSION = 16;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One named connection of a user: its own transaction, temp tables and settings. */
class SqlSession {
  client?: Client;
  private tail: Promise<unknown> = Promise.resolve();
  queued = 0;
  runningSince?: number;

  constructor(readonly name: string) {}

  /** Requests on one session run one at a time, in arrival order. */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.tail.then(fn).finally(() => this.queued--);
    this.tail = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}

interface SandboxConnections {
  sessions: Map<string, SqlSession>;
  admin?: Promise<Client>;
}

export interface ExecOutcome {
  results: SandboxResult[];
  /** Set when the user's previous sandbox died and this request got a fresh one. */
  replaced?: string;
}


class ConnectionLost extends Error {
  constructor(
    message: string,
    readonly userMessage?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Runs users' SQL on their sandbox's sessions. */
@Injectable()
export class SandboxService implements OnModuleDestroy {
  private readonly connections = new Map<string, SandboxConnections>();
  private readonly sub: Subscription;

  constructor(
    private readonly config: AppConfig,
    private readonly fleet: FleetService,
    private readonly connector: SandboxConnector,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
  ) {
    this.sub = this.fleet.removed$.subscribe((sb) => this.closeAll(sb.containerId));
  }

  onModuleDestroy(): void {
    this.sub.unsubscribe();
    for (const id of [...this.connections.keys()]) this.closeAll(id);
  }

  async exec(userId: string, sql: string, sessionName = 'main'): Promise<ExecOutcome> {
    if (Buffer.byteLength(sql, 'utf8') > this.config.maxSqlBytes) {
      throw new PayloadTooLargeException(
        `The SQL is larger than ${Math.round(this.config.maxSqlBytes / 1024)} KB; split it into smaller runs.`,
      );
    }
    if (sql.includes('\u0000')) {
      throw new BadRequestException('The SQL contains a NUL character (\\u0000), which Postgres cannot accept.');
    }
    if (LONE_SURROGATE.test(sql)) {
      throw new BadRequestException('The SQL contains an unpaired UTF-16 surrogate (\\ud800–\\udfff), which is not text.');
    }
    const statements = splitSql(sql);
    if (statements.length > this.config.maxStatements) {
      throw new BadRequestException(
        `The request has ${statements.length} statements; at most ${this.config.maxStatements} run in one request.`,
      );
    }
    const sb = await this.fleet.acquire(userId);
    try {
      const death = this.fleet.takeDeathNotice(userId);
      const session = this.session(sb, sessionName);
      if (session.queued >= MAX_QUEUED_PER_SESSION) {
        throw new HttpException(
          `Session "${sessionName}" already has ${session.queued} requests waiting; wait for them or cancel.`,
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      const results = await session.enqueue(() => this.runAll(sb, session, sql, statements));
      if (death && results.length) {
        const first = results[0];
        first.notices = [{ severity: 'NOTICE', message: death.reason }, ...(first.notices ?? [])];
      }
      return { results, replaced: death?.reason };
    } finally {
      this.fleet.release(sb);
    }
  }

  async reset(userId: string): Promise<SandboxStatus> {
    await this.fleet.reset(userId);
    return this.status(userId);
  }

  async cancel(userId: string, sessionName = 'main'): Promise<{ cancelled: boolean }> {
    const sb = this.fleet.find(userId);
    const session = sb && this.connections.get(sb.containerId)?.sessions.get(sessionName);
    if (!sb || !session?.client || session.runningSince === undefined) return { cancelled: false };
    return { cancelled: await this.cancelBackend(sb, session.client) };
  }

  status(userId: string): SandboxStatus {
    const sb = this.fleet.find(userId);
    const limits = {
      statementTimeoutMs: this.config.statementTimeoutMs,
      maxRows: this.config.maxRows,
      maxSessions: this.config.maxSessions,
      maxSqlBytes: this.config.maxSqlBytes,
      idleTimeoutMs: this.config.idleTimeoutMs,
      memoryBytes: this.config.memoryBytes,
    };
    if (!sb) return { userId, state: this.fleet.isStarting(userId) ? 'starting' : 'none', sessions: [], limits };
    return {
      userId,
      state: sb.state,
      container: sb.name,
      createdAt: new Date(sb.claimedAt).toISOString(),
      lastUsedAt: new Date(sb.lastUsedAt).toISOString(),
      idleExpiresAt: new Date(sb.lastUsedAt + this.config.idleTimeoutMs).toISOString(),
      sessions: this.sessionNames(sb),
      limits,
    };
  }

  sessionNames(sb: Sandbox): string[] {
    const conns = this.connections.get(sb.containerId);
    return conns ? [...conns.sessions.keys()] : [];
  }

  private connectionsOf(sb: Sandbox): SandboxConnections {
    let conns = this.connections.get(sb.containerId);
    if (!conns) {
      conns = { sessions: new Map() };
      this.connections.set(sb.containerId, conns);
    }
    return conns;
  }

  private session(sb: Sandbox, name: string): SqlSession {
    const conns = this.connectionsOf(sb);
    let s = conns.sessions.get(name);
    if (!s) {
      if (conns.sessions.size >= this.config.maxSessions) {
        throw new BadRequestException(
          `At most ${this.config.maxSessions} sessions per sandbox (open: ${[...conns.sessions.keys()].join(', ')}).`,
        );
      }
      s = new SqlSession(name);
      conns.sessions.set(name, s);
    }
    return s;
  }

  private async runAll(sb: Sandbox, session: SqlSession, sql: string, statements: SqlStatement[]): Promise<SandboxResult[]> {
    const results: SandboxResult[] = [];
    const budget: ResponseBudget = { bytesLeft: this.config.maxResponseBytes };
    for (const stmt of statements) {
      let result: SandboxResult;
      try {
        const client = await this.clientFor(sb, session);
        result = await this.runOne(sb, session, client, sql, stmt, budget);
      } catch (e) {
        if (!(e instanceof ConnectionLost)) throw e;
        session.close();
        this.connections.get(sb.containerId)?.sessions.delete(session.name);
        const replaced = await this.fleet.checkAlive(sb);
        result = {
          statement: stmt.text,
          error: {
            message: replaced
              ? 'The sandbox stopped while running this statement (it was killed, most likely by its memory limit). The next run gets a fresh sandbox.'
              : (e.userMessage ?? `The connection to the sandbox was lost (${e.message}). The next run opens a new session.`),
            code: e.code ?? '08006',
            severity: 'FATAL',
          },
        };
      }
      results.push(result);
      if ('error' in result) break;
    }
    return results;
  }

  private async clientFor(sb: Sandbox, session: SqlSession): Promise<Client> {
    if (session.client) return session.client;
    try {
      session.client = sb.takeWarmClient() ?? (await this.connector.connect(sb.socketDir, 'sandbox'));
    } catch (e) {
      throw new ConnectionLost((e as Error).message);
    }
    return session.client;
  }

  private async runOne(sb: Sandbox, session: SqlSession, client: Client, sql: string, stmt: SqlStatement, budget: ResponseBudget): Promise<SandboxResult> {
    const notices: Notice[] = [];
    let dropped = 0;
    const onNotice = (n: NoticeMessage) => {
      if (notices.length >= MAX_NOTICES) return void dropped++;
      notices.push(clean({ severity: n.severity, code: n.code, message: n.message ?? '', detail: n.detail, hint: n.hint, where: n.where }));
    };
    client.on('notice', onNotice);
    const query = new StatementQuery(stmt.text, this.config.maxRows, budget);
    // pg buffers a message until it is complete: one huge value would be held whole. Count the
    // bytes since the last complete message and cut the connection before that can happen.
    const stream = (client as unknown as { connection: { stream: NodeJS.ReadableStream & { destroy(e?: Error): void } } })
      .connection.stream;
    let pendingBytes = 0;
    let tooLarge = false;
    query.onMessage = () => (pendingBytes = 0);
    const onData = (chunk: Buffer) => {
      pendingBytes += chunk.length;
      if (pendingBytes > MAX_MESSAGE_BYTES && !tooLarge) {
        tooLarge = true;
        stream.destroy(new Error('message too large'));
      }
    };
    stream.on('data', onData);
    const started = performance.now();
    session.runningSince = this.clock.now();
    // statement_timeout is set on the connection, but a user may SET it off: the watchdog cancels
    // through the management role a little after the limit all the same.
    const watchdog = setTimeout(() => void this.cancelBackend(sb, client), this.config.statementTimeoutMs + 1000);
    try {
      client.query(query);
      const o = await query.done;
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      if (dropped) notices.push({ severity: 'NOTICE', message: `… and ${dropped} more notices, not shown` });
      if (o.error) {
        const err = o.error as Record<string, unknown> & Error;
        if (tooLarge) {
          throw new ConnectionLost(
            err.message,
            `This statement returned a single row or value over ${MAX_MESSAGE_BYTES / 1024 / 1024} MB, more than the notebook can take; ` +
              'its session was closed (an open transaction was rolled back). Select less, for example left(col, 1000).',
            '54000',
          );
        }
        if (err.severity === undefined) throw new ConnectionLost(err.message);
        const position = err.position ? requestPosition(sql, stmt, Number(err.position)) : undefined;
        return clean({
          statement: stmt.text,
          error: clean({
            message: err.message,
            code: err.code as string | undefined,
            severity: err.severity as string | undefined,
            position,
            detail: err.detail as string | undefined,
            hint: err.hint as string | undefined,
            where: err.where as string | undefined,
          }),
          notices: notices.length ? notices : undefined,
          durationMs,
        });
      }
      const countsRows = o.command !== undefined && !['SELECT', 'FETCH', 'MOVE', 'SHOW'].includes(o.command);
      return clean({
        statement: stmt.text,
        command: o.command,
        rows: o.rows,
        fields: o.fields,
        affectedRows: countsRows ? o.count : undefined,
        truncated: o.truncated || undefined,
        notices: notices.length ? notices : undefined,
        durationMs,
      });
    } finally {
      clearTimeout(watchdog);
      session.runningSince = undefined;
      client.off('notice', onNotice);
      stream.off('data', onData);
    }
  }

  private async cancelBackend(sb: Sandbox, client: Client): Promise<boolean> {
    const pid = (client as unknown as { processID?: number }).processID;
    if (!pid || sb.gone) return false;
    try {
      const admin = await this.adminClient(sb);
      const r = await admin.query<{ ok: boolean }>('select pg_cancel_backend($1) as ok', [pid]);
      return r.rows[0]?.ok === true;
    } catch (e) {
      this.log.event('warn', 'sandbox', 'cancel failed', { container: sb.name, error: (e as Error).message });
      const conns = this.connections.get(sb.containerId);
      if (conns) conns.admin = undefined;
      return false;
    }
  }

  private adminClient(sb: Sandbox): Promise<Client> {
    const conns = this.connectionsOf(sb);
    conns.admin ??= this.connector.connect(sb.socketDir, 'pgsbx_admin');
    return conns.admin;
  }

  private closeAll(containerId: string): void {
    const conns = this.connections.get(containerId);
    if (!conns) return;
    this.connections.delete(containerId);
    for (const s of conns.sessions.values()) s.close();
    conns.admin?.then((c) => c.end()).catch(() => undefined);
  }
}

/** Drops undefined fields so the JSON is the documented shape and nothing more. */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
