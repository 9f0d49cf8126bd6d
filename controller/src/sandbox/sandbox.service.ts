import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { CancelResult, SandboxResult, SandboxStatus } from '@pgsbx/contract';
import { AppConfig } from '../config/app-config';
import { Sandbox } from '../domain/sandbox';
import { FleetService } from '../fleet/fleet.service';
import { checkedStatements } from './request-checks';
import { SessionManager } from './session-manager';
import { StatementRunner } from './statement-runner';

export type { SandboxStatus };

const MAX_QUEUED_PER_SESSION = 16;

export interface ExecOutcome {
  results: SandboxResult[];
  /** Set when the user's previous sandbox died and this request got a fresh one. */
  replaced?: string;
}

/** Runs users' SQL on their sandbox's sessions: what the HTTP routes ask for, put together. */
@Injectable()
export class SandboxService {
  constructor(
    private readonly config: AppConfig,
    private readonly fleet: FleetService,
    private readonly sessions: SessionManager,
    private readonly runner: StatementRunner,
  ) {}

  async exec(userId: string, sql: string, sessionName = 'main'): Promise<ExecOutcome> {
    const deadline = performance.now() + this.config.requestTimeoutMs;
    const statements = checkedStatements(sql, this.config);
    const sb = await this.fleet.acquire(userId);
    try {
      const death = this.fleet.takeDeathNotice(userId);
      const session = this.sessions.session(sb, sessionName);
      if (session.queued >= MAX_QUEUED_PER_SESSION) {
        throw new HttpException(
          `Session "${sessionName}" already has ${session.queued} requests waiting; wait for them or cancel.`,
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      const results = await session.enqueue(() => this.runner.runAll(sb, session, sql, statements, deadline));
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
    const watchdog = sb && this.sessions.find(sb, sessionName)?.watchdog;
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
    return this.sessions.names(sb);
  }
}
