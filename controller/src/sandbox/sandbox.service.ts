import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { CancelResult, Checkpoint, CheckpointList, SandboxResult, SandboxStatus, SavedDatabase } from '@pgsbx/contract';
import { CheckpointNotFoundError } from '../domain/errors';
import { AppConfig } from '../config/app-config';
import { Sandbox, WakeReport } from '../domain/sandbox';
import { restoredNotice } from './restored-notice';
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
  /** Set when this request woke the user's saved database first. */
  restored?: WakeReport;
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
      const restored = sb.restored;
      sb.restored = undefined;
      const session = this.sessions.session(sb, sessionName);
      if (session.queued >= MAX_QUEUED_PER_SESSION) {
        throw new HttpException(
          `Session "${sessionName}" already has ${session.queued} requests waiting; wait for them or cancel.`,
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      const results = await session.enqueue(() => this.runner.runAll(sb, session, sql, statements, deadline));
      const told = [death?.reason, restored && restoredNotice(restored)].filter((m): m is string => !!m);
      if (told.length && results.length) {
        const first = results[0];
        first.notices = [...told.map((message) => ({ severity: 'NOTICE', message })), ...(first.notices ?? [])];
      }
      return { results, replaced: death?.reason, restored };
    } finally {
      this.fleet.release(sb);
    }
  }

  async reset(userId: string, checkpoint?: string): Promise<SandboxStatus> {
    const sb = await this.fleet.reset(userId, checkpoint);
    // A reset answers with its status; the restore it did is not news for the next exec.
    sb.restored = undefined;
    return this.status(userId);
  }

  /** Restores a hibernated user's database now (the notebook calls this when the user comes back). */
  async wake(userId: string): Promise<SandboxStatus> {
    const sb = await this.fleet.ensure(userId);
    const restored = sb.restored;
    sb.restored = undefined;
    return { ...(await this.status(userId)), ...(restored && { restored: { ...savedView(restored), ms: restored.ms } }) };
  }

  /** Stops the session's running statement and answers once it has ended (bounded by the escalation). */
  async cancel(userId: string, sessionName = 'main'): Promise<CancelResult> {
    const sb = this.fleet.find(userId);
    const watchdog = sb && this.sessions.find(sb, sessionName)?.watchdog;
    if (!watchdog || watchdog.ended) return { cancelled: false, outcome: 'idle' };
    return { cancelled: true, outcome: await watchdog.stop('user') };
  }

  async status(userId: string): Promise<SandboxStatus> {
    const sb = this.fleet.find(userId);
    const limits = {
      statementTimeoutMs: this.config.statementTimeoutMs,
      maxRows: this.config.maxRows,
      maxSessions: this.config.maxSessions,
      maxSqlBytes: this.config.maxSqlBytes,
      idleTimeoutMs: this.config.idleTimeoutMs,
      memoryBytes: this.config.memoryBytes,
      maxCheckpoints: this.config.maxCheckpoints,
      archiveMaxBytes: this.config.archiveMaxBytes,
    };
    if (!sb || sb.hibernating) {
      const waking = this.fleet.wakeProgress(userId);
      if (waking) {
        const view = { startedAt: new Date(waking.startedAt).toISOString(), bytes: waking.bytes };
        return { userId, state: 'waking', waking: view, sessions: [], limits };
      }
      if (this.fleet.isStarting(userId)) return { userId, state: 'starting', sessions: [], limits };
      const saved = await this.fleet.savedDatabase(userId);
      if (saved) return { userId, state: 'hibernated', saved: savedView(saved), sessions: [], limits };
      return { userId, state: 'none', sessions: [], limits };
    }
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

  async checkpoints(userId: string): Promise<CheckpointList> {
    const list = await this.fleet.checkpoints(userId);
    return { checkpoints: list.map((c) => ({ name: c.name, ...savedView(c) })), max: this.config.maxCheckpoints };
  }

  async saveCheckpoint(userId: string, name: string): Promise<Checkpoint> {
    const saved = await this.fleet.saveCheckpoint(userId, name);
    return { name: saved.name, ...savedView(saved) };
  }

  async deleteCheckpoint(userId: string, name: string): Promise<void> {
    if (!(await this.fleet.deleteCheckpoint(userId, name))) throw new CheckpointNotFoundError(name);
  }

  sessionNames(sb: Sandbox): string[] {
    return this.sessions.names(sb);
  }
}

function savedView(a: { createdAt?: Date; savedAt?: Date; bytes: number }): SavedDatabase {
  return { savedAt: (a.savedAt ?? a.createdAt ?? new Date(0)).toISOString(), bytes: a.bytes };
}
