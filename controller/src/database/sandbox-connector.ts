import type { SandboxEndpoint } from '../runtime/container-runtime';
import type { SandboxConnection } from './sandbox-connection';

/**
 * The two roles the controller connects as: `sandbox`, the user's own (every notebook session),
 * and `pgsbx_admin`, the controller's management role (cancel and terminate a user's backend).
 */
export type SandboxRole = 'sandbox' | 'pgsbx_admin';

/** The sandbox's socket directory holds something other than the container's own Postgres socket. */
export class SocketTamperedError extends Error {
  constructor(what: string) {
    super(`The sandbox's socket was tampered with (${what}); Reset gives a fresh one.`);
  }
}

/**
 * Opens connections to a sandbox's Postgres: over the Unix socket in its host directory, which is
 * the sandbox's to write (docker), or over TLS + SCRAM across the overlay (swarm). The port and
 * injection token; PgSandboxConnector is the adapter.
 */
export abstract class SandboxConnector {
  /**
   * One connection as `role`. Throws SocketTamperedError when the socket was replaced, and
   * ProtocolViolationError (protocol-frames.ts) when what answers is not a Postgres; while the
   * server is not up yet the error carries `code` ENOENT (no socket), ECONNREFUSED or 57P03
   * (starting) — recovery.ts tells "still starting" from "wedged" by it. Over TCP a certificate
   * that is not the sandbox's throws SandboxCertificateError (checked-tls-stream.ts).
   */
  abstract connect(endpoint: SandboxEndpoint, role: SandboxRole): Promise<SandboxConnection>;

  /**
   * Retries a real `sandbox` connection until the server accepts it, within `timeoutMs`; returns
   * it open. SocketTamperedError and ProtocolViolationError end the wait at once.
   */
  abstract waitReady(endpoint: SandboxEndpoint, timeoutMs: number): Promise<SandboxConnection>;
}
