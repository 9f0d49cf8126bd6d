import { Injectable } from '@nestjs/common';
import { Client, ClientConfig } from 'pg';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { SandboxEndpoint } from '../runtime/container-runtime';
import { SandboxAuthority } from '../tls/sandbox-authority';
import { CheckedTlsStream } from './checked-tls-stream';
import { PgSandboxConnection } from './pg-sandbox-connection';
import { PinnedSocket } from './pinned-socket';
import { ProtocolViolationError } from './protocol-frames';
import { retryUntilReady } from './retry-until-ready';
import type { SandboxConnection } from './sandbox-connection';
import { SandboxConnector, SandboxRole, SocketTamperedError } from './sandbox-connector';

/**
 * The management connection's own settings, in the startup packet: they beat anything the user
 * can `ALTER DATABASE sandbox SET` (the database is theirs), so no search_path of theirs resolves
 * a function for it, and no timeout, read-only default or role of theirs breaks it.
 */
const MANAGEMENT_OPTIONS = [
  'search_path=pg_catalog,pg_temp',
  'statement_timeout=5000',
  'lock_timeout=0',
  'idle_in_transaction_session_timeout=0',
  'idle_session_timeout=0',
  'transaction_timeout=0',
  'default_transaction_read_only=off',
  'default_transaction_isolation=read\\ committed',
  'client_encoding=UTF8',
  'client_min_messages=warning',
  'role=none',
  'local_preload_libraries=',
]
  .map((s) => `-c ${s}`)
  .join(' ');

function refusePassword(): Promise<string> {
  return Promise.reject(new ProtocolViolationError('it asked for a password; the sandbox uses peer authentication'));
}

/**
 * Connects with pg over the sandbox's pinned socket (see PinnedSocket for why nothing in its
 * directory is followed), or, on a swarm, over TLS verified against the controller's CA with the
 * sandbox's own SCRAM password (CheckedTlsStream; docs/SWARM.md "The data path").
 */
@Injectable()
export class PgSandboxConnector extends SandboxConnector {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly authority: SandboxAuthority,
  ) {
    super();
  }

  async connect(endpoint: SandboxEndpoint, role: SandboxRole): Promise<SandboxConnection> {
    const common: ClientConfig = {
      user: role,
      database: 'sandbox',
      application_name: role === 'sandbox' ? 'notebook' : 'pgsbx-controller',
      ...(role === 'sandbox' ? { statement_timeout: this.config.statementTimeoutMs } : { options: MANAGEMENT_OPTIONS }),
      connectionTimeoutMillis: 5000,
    };
    if (endpoint.kind === 'tcp') {
      const [ca, password] = await Promise.all([this.authority.caPem(), this.authority.password(role, endpoint.servername)]);
      return this.open(
        new Client({
          ...common,
          host: endpoint.host,
          port: endpoint.port,
          stream: () => new CheckedTlsStream({ ...endpoint, ca }),
          // Sent only inside the verified TLS connection (the stream connects after the handshake).
          password,
        }),
      );
    }
    const socket = PinnedSocket.open(endpoint.dir);
    try {
      return await this.open(
        new Client({
          ...common,
          host: endpoint.dir,
          stream: () => socket.stream(),
          // Peer authentication never asks for a password. A server that does is not the sandbox's
          // Postgres; without this pg would answer with PGPASSWORD or root's ~/.pgpass.
          password: refusePassword,
        }),
      );
    } finally {
      socket.close(); // the connection is made (or failed); the handle only served to reach it
    }
  }

  private async open(client: Client): Promise<SandboxConnection> {
    // An idle connection can still break (container killed); without a listener that would
    // crash the process. The session that owns it sees the failure on its next statement.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (e) {
      // Frees what pg holds of a connection that never opened; its failure is the one thrown below.
      client.end().catch(() => undefined);
      throw e;
    }
    return new PgSandboxConnection(client);
  }

  waitReady(endpoint: SandboxEndpoint, timeoutMs: number): Promise<SandboxConnection> {
    return retryUntilReady(
      this.clock,
      timeoutMs,
      // ENOENT before the socket exists (ENOTFOUND before the overlay's DNS knows the task), 57P03 while the server starts
      () => this.connect(endpoint, 'sandbox'),
      // Waiting would not untamper it, nor make a refused login (28xxx) acceptable. A refused
      // certificate is waited out: a name reused by a new service (a reset's cold start) can still
      // resolve to the old task for a moment, and nothing was sent to it.
      (e) => e instanceof SocketTamperedError || e instanceof ProtocolViolationError || /^28/.test((e as { code?: string }).code ?? ''),
    );
  }
}
