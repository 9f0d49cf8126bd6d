import { Duplex } from 'node:stream';
import { TLSSocket, checkServerIdentity, connect as tlsConnect } from 'node:tls';
import { MessageTooLargeError, ProtocolFrames, ProtocolViolationError } from './protocol-frames';

export interface TlsTarget {
  host: string;
  port: number;
  /** The name the sandbox's certificate must carry. */
  servername: string;
  /** The only CA trusted (PEM). */
  ca: string;
}

const SCRAM_ONLY: ReadonlySet<number> = new Set([0, 10, 11, 12]);

/** The sandbox's certificate is not one our CA issued for this sandbox: a wrong or an impersonating server. */
export class SandboxCertificateError extends Error {
  readonly code = 'PGSBX_TLS';
  constructor(what: string) {
    super(`The sandbox's TLS certificate was refused (${what}); the connection was closed.`);
  }
}

/**
 * What pg uses as its socket for a sandbox across the overlay: a TLS 1.3 connection opened at
 * once (Postgres 17's direct SSL, ALPN `postgresql`), so pg itself speaks plain protocol over it
 * with `ssl` off, and the protocol frame checker (ProtocolFrames) sits on the decrypted bytes,
 * before pg's parser, exactly as on the Unix socket path. The certificate must chain to the
 * controller's CA and name `servername` (verify-full); 'connect' is emitted only after that, so
 * pg sends nothing, not even the startup packet, to a server that has not proved who it is.
 */
export class CheckedTlsStream extends Duplex {
  private tls: TLSSocket | undefined;
  /**
   * Only SCRAM (10 mechanisms, 11 continue, 12 final) and OK (0): a server that can be the sandbox's
   * own program would otherwise get the password in clear (3) or as MD5 (5) from pg.
   */
  private readonly frames = new ProtocolFrames(undefined, SCRAM_ONLY);
  /**
   * pg calls setNoDelay(true) before connect(), when there is no socket yet: kept and applied in
   * connect. Without it Nagle holds pg's second small write of a statement until the server's
   * delayed ACK, ≈ 40 ms a statement (the swarm bench showed it: 45 ms for `select 1`).
   */
  private noDelay: boolean | undefined;

  constructor(private readonly target: TlsTarget) {
    super();
  }

  /** pg calls connect(port, host); the target was fixed when this stream was made. */
  connect(..._ignored: unknown[]): this {
    const { host, port, servername, ca } = this.target;
    const s = tlsConnect({
      host,
      port,
      servername,
      ca,
      minVersion: 'TLSv1.3',
      ALPNProtocols: ['postgresql'],
      rejectUnauthorized: true,
      checkServerIdentity: (_host, cert) => checkServerIdentity(servername, cert),
    });
    this.tls = s;
    if (this.noDelay !== undefined) s.setNoDelay(this.noDelay);
    s.once('secureConnect', () => {
      if (s.alpnProtocol !== 'postgresql') return this.destroy(new SandboxCertificateError('the server did not agree to speak postgresql'));
      this.emit('connect');
    });
    s.on('data', (chunk: Buffer) => {
      try {
        this.frames.check(chunk);
      } catch (e) {
        const known = e instanceof ProtocolViolationError || e instanceof MessageTooLargeError;
        this.destroy(known ? e : new ProtocolViolationError(`unparseable message: ${(e as Error).message}`));
        return;
      }
      if (!this.push(chunk)) s.pause();
    });
    s.on('end', () => this.push(null));
    s.on('error', (e: NodeJS.ErrnoException) => this.destroy(isCertificateError(e) ? new SandboxCertificateError(e.message) : e));
    s.on('close', () => this.destroy());
    return this;
  }

  setNoDelay(noDelay = true): this {
    this.noDelay = noDelay;
    this.tls?.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.tls?.setKeepAlive(enable, delay);
    return this;
  }

  override _read(): void {
    this.tls?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    if (!this.tls) return done(new Error('not connected'));
    this.tls.write(chunk, done);
  }

  override _final(done: (e?: Error | null) => void): void {
    this.tls?.end();
    done();
  }

  override _destroy(e: Error | null, done: (e?: Error | null) => void): void {
    this.tls?.destroy();
    done(e);
  }
}

/** Failures of the certificate itself (not of the network): waiting would not make them pass. */
function isCertificateError(e: NodeJS.ErrnoException): boolean {
  return (
    e.code === 'ERR_TLS_CERT_ALTNAME_INVALID' ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(e.code ?? '') ||
    e.code === 'ERR_SSL_NO_APPLICATION_PROTOCOL'
  );
}
