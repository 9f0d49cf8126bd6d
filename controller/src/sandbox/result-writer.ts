/**
 * Exec results as JSON, written a chunk at a time. One JSON.stringify of a 64 MiB result holds the
 * event loop for hundreds of milliseconds (every other user waits) and makes a second copy of it
 * in memory; here the text is made ~64 KiB at a time, with a turn of the event loop between chunks.
 */
import { JsonText } from '../common/json-text';

export const CHUNK_CHARS = 64 * 1024;

/** What JSON.stringify writes differently inside a string: quote, backslash, controls, surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

type Frame =
  | { kind: 'array'; array: readonly unknown[]; i: number }
  | { kind: 'object'; object: Record<string, unknown>; keys: string[]; i: number; any: boolean }
  /** A string longer than a chunk, quoted a slice at a time; an object key closes with `":` and opens its value. */
  | { kind: 'string'; str: string; pos: number; close: string; then?: unknown; verbatim?: boolean };

/**
 * The JSON text of a value in chunks of about `chunkChars` characters; joined, they are exactly
 * `JSON.stringify(value)` (same key order, toJSON, undefined and non-finite numbers, escapes).
 */
export class JsonChunks {
  private readonly stack: Frame[] = [];
  /** Containers being written, for JSON.stringify's TypeError on a cycle. */
  private readonly open = new Set<object>();
  private started = false;

  constructor(
    private readonly root: unknown,
    private readonly chunkChars = CHUNK_CHARS,
  ) {}

  /** The next chunk, or undefined at the end. */
  next(): string | undefined {
    let out = '';
    if (!this.started) {
      this.started = true;
      const v = prepare(this.root, '');
      if (v === undefined) return undefined;
      out = this.value(v);
    }
    while (this.stack.length && out.length < this.chunkChars) {
      const top = this.stack[this.stack.length - 1];
      if (top.kind === 'string') {
        out += this.slice(top, Math.max(this.chunkChars - out.length, 256));
      } else if (top.kind === 'array') {
        if (top.i === top.array.length) {
          out += ']';
          this.close(top.array);
          continue;
        }
        const run = this.flatRun(top, this.chunkChars - out.length);
        if (run > 1) {
          // Rows, mostly: a run of them in one native call, brackets dropped.
          const i = top.i;
          out += (i ? ',' : '') + JSON.stringify(top.array.slice(i, i + run)).slice(1, -1);
          top.i += run;
          continue;
        }
        const i = top.i++;
        const v = prepare(top.array[i], String(i));
        out += (i ? ',' : '') + (v === undefined ? 'null' : this.value(v));
      } else {
        if (top.i === top.keys.length) {
          out += '}';
          this.close(top.object);
          continue;
        }
        const key = top.keys[top.i++];
        const v = prepare(top.object[key], key);
        if (v === undefined) continue;
        out += top.any ? ',' : '';
        top.any = true;
        if (key.length > this.chunkChars) {
          this.stack.push({ kind: 'string', str: key, pos: 0, close: '":', then: v });
          out += '"';
        } else out += JSON.stringify(key) + ':' + this.value(v);
      }
    }
    return out || undefined;
  }

  /** Opens `v` (already through `prepare`): short values whole, containers and long strings as frames. */
  private value(v: unknown): string {
    if (v instanceof JsonText) {
      if (v.text.length <= this.chunkChars) return v.text;
      this.stack.push({ kind: 'string', str: v.text, pos: 0, close: '', verbatim: true });
      return '';
    }
    if (typeof v === 'string') {
      if (v.length <= this.chunkChars) return JSON.stringify(v);
      this.stack.push({ kind: 'string', str: v, pos: 0, close: '"' });
      return '"';
    }
    if (typeof v !== 'object' || v === null) return JSON.stringify(v);
    if (this.isSmallFlat(v)) return JSON.stringify(v);
    if (this.open.has(v)) throw new TypeError('Converting circular structure to JSON');
    this.open.add(v);
    if (Array.isArray(v)) {
      this.stack.push({ kind: 'array', array: v, i: 0 });
      return '[';
    }
    this.stack.push({ kind: 'object', object: v as Record<string, unknown>, keys: Object.keys(v), i: 0, any: false });
    return '{';
  }

  /**
   * A plain object or array of primitives, short in all: most rows. Native JSON.stringify does it
   * 4× faster than the walk, and cannot call anything of the user's or hold the loop for long.
   */
  private isSmallFlat(v: object): boolean {
    return flatSize(v, this.chunkChars) >= 0;
  }

  /** How many elements from the frame's next one on are small flat objects, within `budget` characters together. */
  private flatRun(f: Extract<Frame, { kind: 'array' }>, budget: number): number {
    let n = 0;
    for (let j = f.i; j < f.array.length; j++, n++) {
      const v = f.array[j];
      const size = typeof v === 'object' && v !== null ? flatSize(v, budget) : -1;
      if (size < 0) break;
      budget -= size;
    }
    return n;
  }

  private slice(f: Extract<Frame, { kind: 'string' }>, n: number): string {
    let end = Math.min(f.pos + n, f.str.length);
    // Never split a surrogate pair: JSON.stringify would escape each half as \udXXX.
    const c = f.str.charCodeAt(end - 1);
    if (end < f.str.length && c >= 0xd800 && c <= 0xdbff) end--;
    const raw = f.str.slice(f.pos, end);
    // Most long values need no escaping: then the slice is its own JSON, with no copy to make.
    const text = f.verbatim || !NEEDS_ESCAPE.test(raw) ? raw : JSON.stringify(raw).slice(1, -1);
    f.pos = end;
    if (end < f.str.length) return text;
    this.stack.pop();
    return text + f.close + (f.then === undefined ? '' : this.value(f.then));
  }

  private close(container: object): void {
    this.stack.pop();
    this.open.delete(container);
  }
}

/** About the JSON length of a plain object or array of primitives, if it is one and within `max`; else -1. */
function flatSize(v: object, max: number): number {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== Array.prototype) return -1;
  let size = 0;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'string') size += x.length + k.length;
    else if (x === null || typeof x === 'number' || typeof x === 'boolean') size += k.length + 8;
    else return -1;
    if (size > max) return -1;
  }
  return size;
}

/** JSON.stringify's SerializeJSONProperty up to the type switch: toJSON, boxed primitives, skipped values. */
function prepare(v: unknown, key: string): unknown {
  if (v instanceof JsonText) return v; // written as its text (value), not through toJSON
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') v = toJSON.call(v, key);
  }
  if (v instanceof Number) return Number(v);
  if (v instanceof String) return String(v);
  if (v instanceof Boolean) return v.valueOf();
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  return v;
}

/** Deeper than this, smallPlainJson leaves a value to JsonChunks (results nest about 4 levels). */
const PLAIN_DEPTH = 16;

/**
 * JSON.stringify(value) in one native call when that is safe and short: `value` holds only plain
 * objects and arrays of strings, numbers, booleans and null (no JsonText, no toJSON, nothing of a
 * class) and comes to at most about `maxChars`. Otherwise undefined, and JsonChunks walks it.
 * A `select 1` answer takes a few microseconds here instead of the walk's frames.
 */
export function smallPlainJson(value: unknown, maxChars: number): string | undefined {
  let size = 0;
  const plain = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return (size += v.length + 2) <= maxChars;
    if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return (size += 8) <= maxChars;
    if (typeof v !== 'object' || depth > PLAIN_DEPTH) return false;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Array.prototype) {
      for (const x of v as unknown[]) if (!plain(x, depth + 1)) return false;
      return true;
    }
    if (proto !== Object.prototype) return false;
    for (const k in v) {
      size += k.length + 3;
      if (!plain((v as Record<string, unknown>)[k], depth + 1)) return false;
    }
    return true;
  };
  return value !== undefined && plain(value, 0) ? JSON.stringify(value) : undefined;
}

/** The parts of an HTTP response (or any Writable) the writer uses. */
export interface JsonSink {
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  /** Present on an HTTP response: a one-chunk answer is sent with its Content-Length. */
  setHeader?(name: string, value: number): unknown;
  destroy(): unknown;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/**
 * Writes `JSON.stringify(value)` to `res` in chunks, a turn of the event loop between them,
 * waiting for 'drain' when the socket is full. Resolves true when ended, false when the client
 * went away first (the rest is not made). An error after the first byte destroys the response,
 * as no error body can follow; before it, the caller can still answer with one.
 *
 * Most answers fit in one chunk: those go out in one write with their Content-Length (one system
 * call, no chunked framing, no turn of the loop), the hot path of every small exec.
 */
export async function writeJson(res: JsonSink, value: unknown, chunkChars = CHUNK_CHARS): Promise<boolean> {
  const whole = smallPlainJson(value, chunkChars);
  if (whole !== undefined) {
    if (res.destroyed) return false;
    res.setHeader?.('Content-Length', Buffer.byteLength(whole));
    res.end(whole);
    return true;
  }
  const chunks = new JsonChunks(value, chunkChars);
  const first = chunks.next();
  let ahead = first === undefined ? undefined : chunks.next();
  if (ahead === undefined) {
    if (res.destroyed) return false;
    if (first !== undefined) res.setHeader?.('Content-Length', Buffer.byteLength(first));
    res.end(first);
    return true;
  }
  let closed = false;
  const onClose = () => (closed = true);
  res.once('close', onClose);
  let wrote = false;
  try {
    for (let chunk: string | undefined = first; chunk !== undefined; ahead = undefined) {
      if (closed || res.destroyed) return false;
      wrote = true;
      if (!res.write(chunk) && !(await drained(res, () => closed))) return false;
      await new Promise<void>((resolve) => setImmediate(resolve));
      chunk = ahead ?? chunks.next();
    }
    if (closed || res.destroyed) return false;
    res.end();
    return true;
  } catch (e) {
    if (wrote) res.destroy();
    throw e;
  } finally {
    res.off('close', onClose);
  }
}

function drained(res: JsonSink, isClosed: () => boolean): Promise<boolean> {
  if (isClosed() || res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
