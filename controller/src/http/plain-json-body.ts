import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';

const PLAIN_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
/** What body-parser's strict mode lets through: a JSON text whose first non-blank character opens an object or array. */
const FIRST_CHAR = /^[ \t\n\r]*(.)/;

interface BodyError {
  status: number;
  type: string;
  message: string;
}

/**
 * Reads a request body the way express.json (body-parser) would, for the one shape nearly every
 * request has: `Content-Type: application/json` (charset UTF-8 or none), no Content-Encoding, a
 * Content-Length from 1 to `limit`. Returns false, touching nothing, for any other request, which
 * body-parser then reads (it knows compressed bodies, other charsets, chunked uploads and the
 * 413s). Sets `req.body` and calls `done()`, or `done(error)` with body-parser's status and type.
 */
export function readPlainJson(
  req: IncomingMessage & { body?: unknown },
  limit: number,
  problem: (buf: Buffer) => BodyError | undefined,
  done: (err?: BodyError) => void,
): boolean {
  const h = req.headers;
  if (!PLAIN_TYPES.has((h['content-type'] ?? '').toLowerCase())) return false;
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false;
  const length = Number(h['content-length']);
  if (!Number.isInteger(length) || length < 1 || length > limit) return false;

  const chunks: Buffer[] = [];
  let received = 0;
  let finished = false;
  // The body's events come from the socket, outside the request's async context: what runs next
  // (and logs) must run in it, as raw-body does it, so its log lines carry the request id.
  // (A resource rather than AsyncResource.bind, which costs two deprecation wrappers a call.)
  const scope = new AsyncResource('PlainJsonBody');
  const finish = (err?: BodyError) => {
    if (finished) return;
    finished = true; // the listeners stay: they go with the request, and removing them costs more
    scope.runInAsyncScope(done, undefined, err);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= length) chunks.push(chunk);
    else finish({ status: 400, type: 'request.size.invalid', message: 'request size did not match content length' });
  };
  const onEnd = () => {
    if (received !== length)
      return finish({ status: 400, type: 'request.size.invalid', message: 'request size did not match content length' });
    const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
    const bad = problem(buf);
    if (bad) return finish(bad);
    let text = buf.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // body-parser's decoder drops a BOM
    const first = FIRST_CHAR.exec(text)?.[1];
    if (first !== '{' && first !== '[') return finish({ status: 400, type: 'entity.parse.failed', message: 'not a JSON object or array' });
    try {
      req.body = JSON.parse(text);
    } catch (e) {
      return finish({ status: 400, type: 'entity.parse.failed', message: (e as Error).message });
    }
    finish();
  };
  const onError = () => finish({ status: 400, type: 'request.aborted', message: 'request aborted' });
  const onClose = () => {
    if (!req.complete) onError();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
  return true;
}
