import { BadRequestException, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { AppConfig } from '../config/app-config';
import { ProtocolViolationError } from '../database/protocol-frames';
import type { SandboxConnection } from '../database/sandbox-connection';
import { SandboxConnector, SocketTamperedError } from '../database/sandbox-connector';
import { Sandbox } from '../domain/sandbox';
import { FleetService } from '../fleet/fleet.service';
import { ConnectionLost } from './connection-lost';
import { ManagementConnection } from './management-connection';
import { SqlSession } from './sql-session';

interface SandboxConnections {
  sessions: Map<string, SqlSession>;
  management: ManagementConnection;
}

/**
 * The open sessions of each sandbox (at most SANDBOX_MAX_SESSIONS, by name) and its management
 * connection; all of them close when the fleet lets the sandbox go.
 */
@Injectable()
export class SessionManager implements OnModuleDestroy {
  private readonly connections = new Map<string, SandboxConnections>();
  private readonly sub: Subscription;

  constructor(
    private readonly config: AppConfig,
    fleet: FleetService,
    private readonly connector: SandboxConnector,
    private readonly log: JsonLogger,
  ) {
    this.sub = fleet.removed$.subscribe((sb) => this.closeAll(sb.containerId));
  }

  onModuleDestroy(): void {
    this.sub.unsubscribe();
    for (const id of [...this.connections.keys()]) this.closeAll(id);
  }

  /** The named session, opened (without a connection yet) when new; 400 past SANDBOX_MAX_SESSIONS. */
  session(sb: Sandbox, name: string): SqlSession {
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

  /** The named session if it is open; never opens one. */
  find(sb: Sandbox, name: string): SqlSession | undefined {
    return this.connections.get(sb.containerId)?.sessions.get(name);
  }

  names(sb: Sandbox): string[] {
    const conns = this.connections.get(sb.containerId);
    return conns ? [...conns.sessions.keys()] : [];
  }

  /** The session's connection: the sandbox's warm one first, else a new one. Throws ConnectionLost. */
  async connectionFor(sb: Sandbox, session: SqlSession): Promise<SandboxConnection> {
    if (session.connection) return session.connection;
    try {
      session.connection = sb.takeWarmClient() ?? (await this.connector.connect(sb.endpoint, 'sandbox'));
    } catch (e) {
      const tampered = e instanceof SocketTamperedError || e instanceof ProtocolViolationError;
      const message = (e as Error).message;
      throw new ConnectionLost(message, tampered ? message : undefined, tampered ? '08001' : undefined);
    }
    return session.connection;
  }

  /** Closes a session whose connection broke; the next request under its name opens a new one. */
  drop(sb: Sandbox, session: SqlSession): void {
    this.close(sb.containerId, session);
    this.connections.get(sb.containerId)?.sessions.delete(session.name);
  }

  management(sb: Sandbox): ManagementConnection {
    return this.connectionsOf(sb).management;
  }

  private connectionsOf(sb: Sandbox): SandboxConnections {
    let conns = this.connections.get(sb.containerId);
    if (!conns) {
      conns = {
        sessions: new Map(),
        management: new ManagementConnection(() => this.connector.connect(sb.endpoint, 'pgsbx_admin')),
      };
      this.connections.set(sb.containerId, conns);
    }
    return conns;
  }

  private closeAll(containerId: string): void {
    const conns = this.connections.get(containerId);
    if (!conns) return;
    this.connections.delete(containerId);
    for (const s of conns.sessions.values()) this.close(containerId, s);
    conns.management.close();
  }

  private close(containerId: string, session: SqlSession): void {
    session
      .close()
      .catch(warnOnFailure(this.log, 'sandbox', 'closing a session connection failed', { containerId, session: session.name }));
  }
}
