import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { readPlainJson } from './plain-json-body';

type Req = IncomingMessage & { body?: unknown };

/** A request whose body is `text`, sent in two pieces; `length` overrides its Content-Length. */
function request(text: string, headers: Record<string, string> = {}, length = Buffer.byteLength(text)): Req {
  const buf = Buffer.from(text);
  const req = Readable.from([buf.subarray(0, 3), buf.subarray(3)], { objectMode: false }) as unknown as Req;
  Object.assign(req, { headers: { 'content-type': 'application/json', 'content-length': String(length), ...headers }, complete: true });
  return req;
}

function read(req: Req, limit = 1000): Promise<{ taken: boolean; err?: unknown; body?: unknown }> {
  return new Promise((resolve) => {
    const taken = readPlainJson(
      req,
      limit,
      (b) => (b.includes('!') ? { status: 400, type: 'bang', message: 'bang' } : undefined),
      (err) => resolve({ taken, err, body: req.body }),
    );
    if (!taken) resolve({ taken });
  });
}

describe(readPlainJson.name, () => {
  it('reads a plain JSON body in pieces', async () => {
    expect(await read(request('{"sql":"select \'é\'"}'))).toEqual({ taken: true, err: undefined, body: { sql: "select 'é'" } });
  });

  it('calls back in the async context it was called in, so later log lines keep the request id', async () => {
    const context = new AsyncLocalStorage<string>();
    const socket = new PassThrough();
    const headers = { 'content-type': 'application/json', 'content-length': '7' };
    const req = Object.assign(socket, { headers, complete: true }) as unknown as Req;
    const seen = new Promise((resolve) => {
      context.run('request-1', () =>
        readPlainJson(
          req,
          1000,
          () => undefined,
          () => resolve(context.getStore()),
        ),
      );
    });
    // The bytes arrive later, from the socket's side: outside the request's context.
    setImmediate(() => socket.end('{"a":1}'));
    expect(await seen).toBe('request-1');
  });

  it('drops a byte order mark, as body-parser does', async () => {
    expect((await read(request('\ufeff {"a":1}'))).body).toEqual({ a: 1 });
  });

  it.each([
    ['a JSON string (strict mode)', '"select 1"', 'entity.parse.failed'],
    ['malformed JSON', '{"sql": ', 'entity.parse.failed'],
    ['what the byte check refuses', '{"sql":"!"}', 'bang'],
  ])("refuses %s with body-parser's type", async (_what, text, type) => {
    expect(await read(request(text))).toMatchObject({ taken: true, err: { status: 400, type } });
  });

  it('refuses a body shorter than its Content-Length', async () => {
    expect(await read(request('{"a":1}', {}, 20))).toMatchObject({ err: { status: 400, type: 'request.size.invalid' } });
  });

  it.each([
    ['another type', { 'content-type': 'text/plain' }],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }],
    ['a compressed body', { 'content-encoding': 'gzip' }],
    ['a chunked upload', { 'transfer-encoding': 'chunked' }],
    ['an empty body', { 'content-length': '0' }],
    ['a body over the limit', { 'content-length': '1001' }],
  ])('leaves %s to body-parser', async (_what, headers) => {
    expect(await read(request('{"a":1}', headers))).toEqual({ taken: false });
  });
});
