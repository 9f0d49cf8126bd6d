/**
 * Checks the bytes a sandbox's server sends before pg's parser sees them. Whoever is superuser in
 * a sandbox can put any program behind its socket (SECURITY.md), and pg-protocol trusts its
 * server: a message length of 2 GiB makes it buffer until the process dies, a C string without
 * its terminating NUL makes its reader loop forever (pg-protocol's BufferReader.cstring), and a
 * short field throws inside a stream 'data' handler, which ends the process. So, on every
 * connection and from the first byte: message types must be ones a server sends, lengths are
 * bounded, and every message whose parser reads C strings is buffered (they are small) and
 * walked the way pg-protocol will walk it, within its own bounds.
 */

/** A message longer than this (bytes after the type byte) is refused before it is buffered. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024 + 1024;

/** The server broke the protocol: whatever it is, it is not the sandbox's Postgres. */
export class ProtocolViolationError extends Error {
  constructor(what: string) {
    super(`The sandbox's server broke the Postgres protocol (${what}); the connection was closed. Reset gives a fresh sandbox.`);
  }
}

/** A real server sent one message (a row, a value) larger than the controller takes. */
export class MessageTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super('message too large');
  }
}

const code = (c: string) => c.charCodeAt(0);
/** Backend message types pg-protocol understands (anything else is refused). */
const KNOWN = new Set([...'123sncWIDCZARSKENTtGHd'].map(code));
/** Types whose parsers read C strings: checked whole before they reach the parser. */
const WITH_CSTRINGS = new Set([...'CARSENT'].map(code));

export class ProtocolFrames {
  private header = Buffer.alloc(5);
  private headerFill = 0;
  private type = 0;
  private remaining = 0;
  private body: Buffer[] | undefined;

  /**
   * @param authentication the authentication requests (`R` codes) this server may make; others end
   * the connection before pg answers them. Undefined: any (the socket path refuses passwords in pg's
   * `password` callback instead).
   */
  constructor(
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
    private readonly authentication?: ReadonlySet<number>,
  ) {}

  /** Throws ProtocolViolationError or MessageTooLargeError at the first bad byte. */
  check(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining === 0 && this.headerFill < 5) {
        const take = Math.min(5 - this.headerFill, chunk.length - i);
        chunk.copy(this.header, this.headerFill, i, i + take);
        this.headerFill += take;
        i += take;
        if (this.headerFill === 5) this.startMessage();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - i);
      this.body?.push(chunk.subarray(i, i + take));
      this.remaining -= take;
      i += take;
      if (this.remaining === 0) this.endMessage();
    }
  }

  private startMessage(): void {
    this.type = this.header[0];
    const length = this.header.readInt32BE(1);
    if (!KNOWN.has(this.type)) throw new ProtocolViolationError(`unknown message type 0x${this.type.toString(16)}`);
    if (length < 4) throw new ProtocolViolationError(`message length ${length}`);
    if (length - 4 > this.maxFrameBytes) throw new MessageTooLargeError(length);
    this.remaining = length - 4;
    this.body = WITH_CSTRINGS.has(this.type) ? [] : undefined;
    if (this.remaining === 0) this.endMessage();
  }

  private endMessage(): void {
    if (this.body) {
      const whole = Buffer.concat(this.body);
      const problem = cstringProblem(this.type, whole);
      if (problem) throw new ProtocolViolationError(`${String.fromCharCode(this.type)} message: ${problem}`);
      const auth = this.type === code('R') && this.authentication ? whole.readInt32BE(0) : undefined;
      if (auth !== undefined && !this.authentication?.has(auth))
        throw new ProtocolViolationError(`it asked for authentication type ${auth}, not SCRAM`);
    }
    this.body = undefined;
    this.headerFill = 0;
  }
}

/** Walks a message as pg-protocol's parser will; returns what is wrong, or undefined. */
export function cstringProblem(type: number, b: Buffer): string | undefined {
  let at = 0;
  const cstring = (): boolean => {
    const nul = b.indexOf(0, at);
    if (nul < 0) return false;
    at = nul + 1;
    return true;
  };
  const need = (n: number): boolean => at + n <= b.length;
  switch (String.fromCharCode(type)) {
    case 'C':
      return cstring() ? undefined : 'unterminated command tag';
    case 'S':
      return cstring() && cstring() ? undefined : 'unterminated parameter';
    case 'A':
      return need(4) && ((at += 4), cstring() && cstring()) ? undefined : 'unterminated notification';
    case 'E':
    case 'N':
      // (field type byte, C string)* then a single NUL that ends the message.
      for (;;) {
        if (!need(1)) return 'no terminating field';
        if (b[at++] === 0) return undefined;
        if (!cstring()) return 'unterminated field';
      }
    case 'T': {
      if (!need(2)) return 'short';
      const fields = b.readInt16BE(at);
      at += 2;
      if (fields < 0) return 'negative field count';
      for (let f = 0; f < fields; f++) {
        if (!cstring() || !need(18)) return 'short field description';
        at += 18;
      }
      return undefined;
    }
    case 'R': {
      if (!need(4)) return 'short';
      if (b.readInt32BE(at) !== 10) return undefined; // only SASL's mechanism list has strings
      at += 4;
      for (;;) {
        const start = at;
        if (!cstring()) return 'unterminated SASL mechanism';
        if (at - start === 1) return undefined;
      }
    }
    default:
      return undefined;
  }
}
