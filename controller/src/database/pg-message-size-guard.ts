import type { Client } from 'pg';
import { MAX_MESSAGE_BYTES } from './sandbox-connection';

interface PgInternals {
  connection: NodeJS.EventEmitter & { stream: NodeJS.ReadableStream & { destroy(e?: Error): void } };
}

/**
 * pg buffers a message until it is complete: one huge value would be held whole. This counts the
 * bytes received since the last complete message — any message, notices included, so a flood of
 * small ones is never mistaken for a big one — and cuts the connection before that can happen.
 */
export class MessageSizeGuard {
  private pending = 0;
  private cut = false;
  private readonly connection: PgInternals['connection'];
  private readonly onData = (chunk: Buffer) => {
    this.pending += chunk.length;
    if (this.pending > this.limit && !this.cut) {
      this.cut = true;
      this.connection.stream.destroy(new Error('message too large'));
    }
  };
  private readonly onMessage = () => (this.pending = 0);

  constructor(
    client: Client,
    private readonly limit = MAX_MESSAGE_BYTES,
  ) {
    this.connection = (client as unknown as PgInternals).connection;
    // Before pg's parser: a chunk is counted, then every message it completes resets the count,
    // so what remains is at most the unfinished message's bytes.
    this.connection.stream.prependListener('data', this.onData);
    this.connection.on('message', this.onMessage);
  }

  /** True when a message over the limit made the guard cut the connection. */
  get tripped(): boolean {
    return this.cut;
  }
}
