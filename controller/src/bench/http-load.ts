/**
 * A lean HTTP/1.1 load generator for the bench, in the spirit of wrk: each of `connections` keeps
 * one socket alive and sends the same prebuilt request as soon as the last answer is complete.
 * node:http's client costs more CPU per request than the controller's fastest paths, on the same
 * two cores, so it would measure itself; this one costs a few microseconds (no header objects, no
 * streams, the response framed by Content-Length or chunked encoding and otherwise not parsed).
 */
import { Socket, connect } from 'node:net';

export interface LoadResult {
  /** Answers per second over the whole run. */
  perSecond: number;
  /** Latency of every answer, ms. */
  latencies: number[];
  /** Answers whose status was not 200. */
  failures: number;
  /** The first answer's body, to check it is what a client expects. */
  sample: string;
}

export interface LoadTarget {
  host: string;
  port: number;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** One body for every connection, or one per connection, round robin. */
  body?: string | string[];
}

/** Sends `target`'s request over `connections` kept-alive sockets for `seconds`. */
export async function httpLoad(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  const bodies = target.body === undefined ? [undefined] : typeof target.body === 'string' ? [target.body] : target.body;
  const requests = bodies.map((text) => {
    const body = text === undefined ? undefined : Buffer.from(text);
    const head =
      `${target.method} ${target.path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\n` +
      Object.entries(target.headers ?? {})
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      (body ? `Content-Length: ${body.length}\r\n` : '') +
      '\r\n';
    return Buffer.concat([Buffer.from(head), body ?? Buffer.alloc(0)]);
  });
  const latencies: number[] = [];
  let failures = 0;
  let sample = '';
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, (_, i) =>
      oneConnection(target, requests[i % requests.length], until, (ms, status, text) => {
        latencies.push(ms);
        if (status !== 200) failures++;
        if (!sample) sample = text();
      }),
    ),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), latencies, failures, sample };
}

function oneConnection(
  target: LoadTarget,
  request: Buffer,
  until: number,
  answered: (ms: number, status: number, text: () => string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: target.host, port: target.port, noDelay: true });
    const reader = new ResponseReader();
    let sentAt = 0;
    const send = () => {
      sentAt = performance.now();
      socket.write(request);
    };
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      let done: Response | undefined;
      try {
        done = reader.push(chunk);
      } catch (e) {
        socket.destroy();
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (!done) return;
      const now = performance.now();
      const r = done;
      answered(now - sentAt, r.status, () => r.body.toString('utf8'));
      if (now < until) send();
      else socket.end(resolve);
    });
    socket.on('error', reject);
  });
}

interface Response {
  status: number;
  body: Buffer;
}

/** Frames one response at a time (Content-Length or chunked; no pipelining, so never two at once). */
class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Response | undefined {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const headEnd = this.buf.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const head = this.buf.subarray(0, headEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body: Buffer | undefined;
    let end: number;
    if (length) {
      end = headEnd + 4 + Number(length[1]);
      if (this.buf.length >= end) body = this.buf.subarray(headEnd + 4, end);
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = headEnd + 4;
      for (;;) {
        const eol = this.buf.indexOf('\r\n', at);
        if (eol < 0) return undefined;
        const size = parseInt(this.buf.subarray(at, eol).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size in response');
        if (this.buf.length < eol + 2 + size + 2) return undefined;
        if (size === 0) {
          end = eol + 4;
          body = Buffer.concat(parts);
          break;
        }
        parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
    } else throw new Error(`response without a length: ${head.split('\r\n')[0]}`);
    if (!body) return undefined;
    this.buf = this.buf.subarray(end);
    return { status, body };
  }
}
