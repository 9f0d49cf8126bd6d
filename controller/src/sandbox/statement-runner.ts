import { Injectable } from '@nestjs/common';
import { Notice, RowsResult, SandboxResult, SqlStatement, requestPosition } from '@pgsbx/contract';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { AppConfig } from '../config/app-config';
import { MAX_MESSAGE_BYTES, ResponseBudget, SandboxConnection, ServerNotice } from '../database/sandbox-connection';
import { Sandbox } from '../domain/sandbox';
import { FleetService } from '../fleet/fleet.service';
import { ConnectionLost } from './connection-lost';
import { SessionManager } from './session-manager';
import { SqlSession } from './sql-session';
import { StatementWatchdog } from './statement-watchdog';
import { StopMessages } from './stop-messages';

/**
 * The watchdog acts this long after SANDBOX_STATEMENT_TIMEOUT: the server's own statement_timeout
 * (set on every session) fires first and its error needs a moment to arrive; the watchdog is for
 * a user who switched it off, or a statement that ignores it.
 */
const WATCHDOG_SLACK_MS = 500;

/** Commands whose tag counts rows returned, not rows changed: no affectedRows. */
const ROW_COMMANDS = new Set(['SELECT', 'FETCH', 'MOVE', 'SHOW']);

/** Notices kept per statement; the rest are counted. */
export const MAX_NOTICES = 100;

/**
 * Runs a request's statements on one session, in order, each under its watchdog and within the
 * request's deadline and response budget, and maps each to the SandboxResult the user reads.
 * The first error ends the request; a lost connection closes the session.
 */
@Injectable()
export class StatementRunner {
  private readonly messages: StopMessages;

  constructor(
    private readonly config: AppConfig,
    private readonly fleet: FleetService,
    private readonly sessions: SessionManager,
    private readonly log: JsonLogger,
  ) {
    this.messages = new StopMessages(config);
  }

  /** `deadline` is on performance.now()'s clock; `sql` is the whole request, for error positions. */
  async runAll(sb: Sandbox, session: SqlSession, sql: string, statements: SqlStatement[], deadline: number): Promise<SandboxResult[]> {
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
        const connection = await this.sessions.connectionFor(sb, session);
        result = await this.runOne(sb, session, connection, sql, stmt, deadline, budget);
      } catch (e) {
        if (!(e instanceof ConnectionLost)) throw e;
        this.sessions.drop(sb, session);
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

  private async runOne(
    sb: Sandbox,
    session: SqlSession,
    connection: SandboxConnection,
    sql: string,
    stmt: SqlStatement,
    deadline: number,
    budget: ResponseBudget,
  ): Promise<SandboxResult> {
    const notices: Notice[] = [];
    let dropped = 0;
    const stopListening = connection.onNotice((n: ServerNotice) => {
      if (notices.length >= MAX_NOTICES) return void dropped++;
      notices.push(clean({ ...n }));
    });
    const started = performance.now();
    let watchdog: StatementWatchdog | undefined;
    try {
      const done = connection.run(stmt.text, { maxRows: this.config.maxRows, budget });
      watchdog = this.watch(sb, connection, done);
      const untilDeadline = deadline - performance.now();
      const untilLimit = this.config.statementTimeoutMs + WATCHDOG_SLACK_MS;
      watchdog.arm(Math.min(untilLimit, untilDeadline), untilDeadline < untilLimit ? 'deadline' : 'timeout');
      session.watchdog = watchdog;
      const o = await done;
      // A stop under way may still have a cancel in flight: let it land before the next statement.
      const stopped = await watchdog.outcome;
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      if (dropped) notices.push({ severity: 'NOTICE', message: `… and ${dropped} more notices, not shown` });
      if (stopped === 'terminated' || stopped === 'replaced') {
        const text = this.messages.unstopped(watchdog.reason, stopped, sb.endedBecause);
        throw new ConnectionLost(`statement ${stopped}`, text, '57014');
      }
      if (o.kind === 'lost') {
        if (!o.tooLarge) throw new ConnectionLost(o.message);
        throw new ConnectionLost(
          o.message,
          `This statement returned a single row or value over ${MAX_MESSAGE_BYTES / 1024 / 1024} MB, more than the notebook can take; ` +
            'its session was closed (an open transaction was rolled back). Select less, for example left(col, 1000).',
          '54000',
        );
      }
      if (o.kind === 'error') {
        const err = o.error;
        return clean({
          statement: stmt.text,
          error: clean({
            message: this.messages.cancelled(err.code, err.message, watchdog.reason, durationMs) ?? err.message,
            code: err.code,
            severity: err.severity,
            position: err.position ? requestPosition(sql, stmt, err.position) : undefined,
            detail: err.detail,
            hint: err.hint,
            where: err.where,
          }),
          notices: notices.length ? notices : undefined,
          durationMs,
        });
      }
      // Built field by field in the documented order rather than through clean(): deleting
      // fields turns an object into a slow dictionary, and this is every statement's answer.
      const countsRows = o.command !== undefined && !ROW_COMMANDS.has(o.command);
      const result = { statement: stmt.text } as RowsResult; // the required fields follow
      if (o.command !== undefined) result.command = o.command;
      result.rows = o.rows;
      result.fields = o.fields;
      if (countsRows && o.count !== undefined) result.affectedRows = o.count;
      if (o.truncated) result.truncated = true;
      if (notices.length) result.notices = notices;
      result.durationMs = durationMs;
      return result;
    } finally {
      watchdog?.disarm();
      session.watchdog = undefined;
      stopListening();
    }
  }

  /** The escalation for one statement on `connection`, through the sandbox's management connection. */
  private watch(sb: Sandbox, connection: SandboxConnection, ended: Promise<unknown>): StatementWatchdog {
    const pid = connection.processId;
    const management = this.sessions.management(sb);
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
          void connection
            .end()
            .catch(warnOnFailure(this.log, 'sandbox', 'closing the connection of a replaced sandbox failed', { container: sb.name }));
        }
      },
    });
  }
}

/** Drops undefined fields so the JSON is the documented shape and nothing more. */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
