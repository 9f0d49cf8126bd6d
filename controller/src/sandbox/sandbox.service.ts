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
import { JsonLogger } from '../common/json-logger';
import { AppConfig } from '../config/app-config';
import { SandboxConnector } from '../db/sandbox-connector';
import { SocketTamperedError } from '../db/pinned-socket';
import { MessageTooLargeError, ProtocolViolationError } from '../db/protocol-frames';
import { Sandbox } from '../domain/sandbox';
import { FleetService } from '../fleet/fleet.service';
import { ManagementConnection } from './management-connection';
import { MAX_MESSAGE_BYTES, MessageSizeGuard } from './message-size-guard';
import { CancelResult, Notice, SandboxResult, SandboxStatus } from './sandbox-result';
import { SqlSession } from './sql-session';
import { SqlStatement, requestPosition, splitSql } from './sql-split';
import { MAX_NOTICES, ResponseBudget, StatementQuery } from './statement-query';
import { StatementWatchdog } from './statement-watchdog';
import { StopMessages } from './stop-messages';

export type { SandboxStatus };
export { MAX_MESSAGE_BYTES };

/**
 * The watchdog acts this long after SANDBOX_STATEMENT_TIMEOUT: the server's own statement_timeout
 * (set on every session) fires first and its error needs a moment to arrive; the watchdog is for
 * a user who switched it off, or a statement that ignores it.
 */
const WATCHDOG_SLACK_MS = 500;

const MAX_QUEUED_PER_SESSION = 16;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface SandboxConnections {
  sessions: Map<string, SqlSession>;
  management: ManagementConnection;
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
  private readonly messages: StopMessages;

  constructor(
    private readonly config: AppConfig,
    private readonly fleet: FleetService,
    private readonly connector: SandboxConnector,
    private readonly log: JsonLogger,
  ) {
    this.messages = new StopMessages(config);
    this.sub = this.fleet.removed$.subscribe((sb) => this.closeAll(sb.containerId));
  }

  onModuleDestroy(): void {
    this.sub.unsubscribe();
    for (const id of [...this.connections.keys()]) this.closeAll(id);
  }

  async exec(userId: string, sql: string, sessionName = 'main'): Promise<ExecOutcome> {
    const deadline = performance.now() + this.config.requestTimeoutMs;
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
      const results = await session.enqueue(() => this.runAll(sb, session, sql, statements, deadline));
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

  /** Stops the session's running statement and answers once it has ended (bounded by the escalation). */
  async cancel(userId: string, sessionName = 'main'): Promise<CancelResult> {
    const sb = this.fleet.find(userId);
    const watchdog = sb && this.connections.get(sb.containerId)?.sessions.get(sessionName)?.watchdog;
    if (!watchdog || watchdog.ended) return { cancelled: false, outcome: 'idle' };
    return { cancelled: true, outcome: await watchdog.stop('user') };
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
      conns = {
        sessions: new Map(),
        management: new ManagementConnection(() => this.connector.connect(sb.socketDir, 'pgsbx_admin')),
      };
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

  private async runAll(
    sb: Sandbox,
    session: SqlSession,
    sql: string,
    statements: SqlStatement[],
    deadline: number,
  ): Promise<SandboxResult[]> {
    const results: SandboxResult[] = [];
    const budget: ResponseBudget = { bytesLeft: this.config.maxResponseBytes };
    for (const stmt of statements) {
      let result: SandboxResult;
      if (performance.now() >= deadline) {
        results.push({
          statement: stmt.text,
          error: {
            message: this.messages.notRun(),
            code: '57014',
            severity: 'ERROR',
          },
        });
        break;
      }
      try {
        const client = await this.clientFor(sb, session);
        result = await this.runOne(sb, session, client, sql, stmt, deadline, budget);
      } catch (e) {
        if (!(e instanceof ConnectionLost)) throw e;
        session.close();
        this.connections.get(sb.containerId)?.sessions.delete(session.name);
        const replaced = await this.fleet.checkAlive(sb);
        result = {
          statement: stmt.text,
          error: {
            message:
              e.userMessage ??
              (replaced
                ? `The sandbox stopped while running this statement: it ${sb.endedBecause ?? 'is gone'}.` +
                  (sb.endedBecause?.endsWith('replaced') ? ' The next run gets a fresh sandbox.' : '')
                : `The connection to the sandbox was lost (${e.message}). The next run opens a new session.`),
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
      const tampered = e instanceof SocketTamperedError || e instanceof ProtocolViolationError;
      throw new ConnectionLost((e as Error).message, tampered ? (e as Error).message : undefined, tampered ? '08001' : undefined);
    }
    return session.client;
  }

  private async runOne(
    sb: Sandbox,
    session: SqlSession,
    client: Client,
    sql: string,
    stmt: SqlStatement,
    deadline: number,
    budget: ResponseBudget,
  ): Promise<SandboxResult> {
    const notices: Notice[] = [];
    let dropped = 0;
    const onNotice = (n: NoticeMessage) => {
      if (notices.length >= MAX_NOTICES) return void dropped++;
      notices.push(clean({ severity: n.severity, code: n.code, message: n.message ?? '', detail: n.detail, hint: n.hint, where: n.where }));
    };
    client.on('notice', onNotice);
    const query = new StatementQuery(stmt.text, this.config.maxRows, budget);
    const guard = new MessageSizeGuard(client);
    const watchdog = this.watch(sb, client, query.done);
    const untilDeadline = deadline - performance.now();
    const untilLimit = this.config.statementTimeoutMs + WATCHDOG_SLACK_MS;
    watchdog.arm(Math.min(untilLimit, untilDeadline), untilDeadline < untilLimit ? 'deadline' : 'timeout');
    session.watchdog = watchdog;
    const started = performance.now();
    try {
      client.query(query);
      const o = await query.done;
      // A stop under way may still have a cancel in flight: let it land before the next statement.
      const stopped = await watchdog.outcome;
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      if (dropped) notices.push({ severity: 'NOTICE', message: `… and ${dropped} more notices, not shown` });
      if (stopped === 'terminated' || stopped === 'replaced') {
        const text = this.messages.unstopped(watchdog.reason, stopped, sb.endedBecause);
        throw new ConnectionLost(`statement ${stopped}`, text, '57014');
      }
      if (o.error) {
        const err = o.error as Record<string, unknown> & Error;
        if (guard.tripped || err instanceof MessageTooLargeError) {
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
            message: this.messages.cancelled(err.code, err.message, watchdog.reason, durationMs) ?? err.message,
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
      watchdog.disarm();
      session.watchdog = undefined;
      client.off('notice', onNotice);
      guard.release();
    }
  }

  /** The escalation for one statement on `client`, through the sandbox's management connection. */
  private watch(sb: Sandbox, client: Client, ended: Promise<unknown>): StatementWatchdog {
    const pid = (client as unknown as { processID?: number }).processID ?? 0;
    const management = this.connectionsOf(sb).management;
    return new StatementWatchdog(ended, {
      cancel: () => management.cancel(pid),
      terminate: () => management.terminate(pid),
      replace: async (cause) => {
        this.log.event('warn', 'sandbox', 'statement could not be stopped; replacing the sandbox', {
          container: sb.name,
          cause: cause.kind,
          detail: cause.detail,
        });
        try {
          this.fleet.replace(sb, cause.kind, cause.detail);
        } finally {
          // Replacing closes the sandbox's sessions; make sure this one lets go of its statement now.
          void client.end().catch(() => undefined);
        }
      },
    });
  }

  private closeAll(containerId: string): void {
    const conns = this.connections.get(containerId);
    if (!conns) return;
    this.connections.delete(containerId);
    for (const s of conns.sessions.values()) s.close();
    conns.management.close();
  }
}

/** Drops undefined fields so the JSON is the documented shape and nothing more. */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
