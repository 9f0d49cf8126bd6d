import { JsonText } from '../common/json-text';
import { Writable } from 'node:stream';
import { CHUNK_CHARS, JsonChunks, smallPlainJson, writeJson } from './result-writer';

function chunksOf(value: unknown, chunkChars?: number): string[] {
  const c = new JsonChunks(value, chunkChars);
  const out: string[] = [];
  for (let s = c.next(); s !== undefined; s = c.next()) out.push(s);
  return out;
}

/** A Writable that takes a chunk per turn of the event loop (or per timer: slower) and keeps what it got. */
function slowSink(highWaterMark = 1024, later: (done: () => void) => void = setImmediate) {
  const got: string[] = [];
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      got.push(chunk);
      later(() => done());
    },
  });
  const write = sink.write.bind(sink);
  sink.write = ((chunk: string) => {
    const ok = write(chunk);
    maxBuffered = Math.max(maxBuffered, sink.writableLength);
    return ok;
  }) as typeof sink.write;
  return { sink, got, maxBuffered: () => maxBuffered };
}

describe(JsonChunks.name, () => {
  const long = (n: number, unit: string) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const cases: [string, unknown][] = [
    ['an empty array', []],
    ['empty rows and fields', [{ statement: 'select', command: 'SELECT', rows: [], fields: [], durationMs: 0.5 }]],
    ['nulls, numbers, booleans', [{ a: null, b: 1.5, c: -0, d: true, e: false, f: 1e21, g: 'x' }]],
    ['non-finite numbers and undefined', [{ a: NaN, b: Infinity, c: undefined, d: [undefined, () => 1, Symbol('s')] }]],
    ['unicode, escapes, lone surrogates', [{ s: 'héllo ✓ 𝄞 "q" \\ \n\t\u0001 \u2028 \ud800 x\udc00', 'ключ ✓': '日本語' }]],
    ['nested json values', [{ rows: [{ j: { a: [1, { b: [null, { c: 'd' }] }], e: {} }, k: [[[]]] }] }]],
    [
      'toJSON and boxed primitives',
      [{ d: new Date(0), n: Object(5), s: Object('s'), b: Object(false), t: { toJSON: (k: string) => `key:${k}` } }],
    ],
    ['integer-like keys (ordered first, as JSON.stringify does)', [{ b: 1, 2: 'two', a: 2, 1: 'one' }]],
    ['a string longer than many chunks', [{ rows: [{ v: long(300_000, 'x') }] }]],
    ['a long string of multi-unit characters', [{ rows: [{ v: long(200_001, '𝄞é\u0001"') }] }]],
    ['a long object key', [{ [long(150_000, 'k')]: { [long(70_000, '✓𝄞')]: 1 }, after: 2 }]],
    ['many small rows', [{ rows: Array.from({ length: 5000 }, (_, i) => ({ g: i, s: `r${i}`, n: i % 3 ? null : i / 7 })) }]],
    ['a top-level string', long(100_000, 'ab')],
    ['a top-level number', 42],
  ];

  it.each(cases)('joins to exactly JSON.stringify: %s', (_name, value) => {
    expect(chunksOf(value).join('')).toBe(JSON.stringify(value));
  });

  it.each([1, 2, 3, 7, 64])('is exact at any chunk size (%i), surrogate pairs never split', (size) => {
    const value = [{ v: '𝄞'.repeat(50) + 'é\n"'.repeat(20), w: ['𝄞x'.repeat(40)], [`𝄞${'k'.repeat(size)}`]: null }];
    const chunks = chunksOf(value, size);
    expect(chunks.join('')).toBe(JSON.stringify(value));
    expect(chunks.every((c) => !/\\ud[89ab]/i.test(c))).toBe(true);
  });

  it.each([3, 64, 1 << 16])('writes json values as Postgres sent them, at any chunk size (%i)', (size) => {
    const text = '{"a": [1, 2.50, 12345678901234567890], "b": {"c": "x\\ny"}}';
    const value = [
      { rows: [{ j: new JsonText(text), k: 'é' }, { j: new JsonText('[' + '[]'.repeat(5000).split('][').join('],[') + ']') }] },
    ];
    const out = chunksOf(value, size).join('');
    expect(out.startsWith(`[{"rows":[{"j":${text},"k":"é"}`)).toBe(true);
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('makes chunks of about the asked size, none empty', () => {
    const value = [{ rows: Array.from({ length: 2000 }, (_, i) => ({ i, v: 'x'.repeat(1000) })) }, { rows: [{ v: 'y'.repeat(500_000) }] }];
    const chunks = chunksOf(value, 64 * 1024);
    expect(chunks.length).toBeGreaterThan(30);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(64 * 1024 + 1100);
    expect(chunks.every((c) => c.length > 0)).toBe(true);
  });

  it('gives nothing for a value JSON.stringify gives undefined for', () => {
    expect(chunksOf(undefined)).toEqual([]);
  });

  it('throws a TypeError on a cycle and on a BigInt, as JSON.stringify does', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = [cyclic];
    expect(() => chunksOf([cyclic])).toThrow(TypeError);
    expect(() => chunksOf([{ n: BigInt(1) }])).toThrow(TypeError);
    // The same object twice, not nested in itself, is not a cycle.
    const shared = { x: 1 };
    expect(chunksOf([shared, shared]).join('')).toBe('[{"x":1},{"x":1}]');
  });
});

describe(smallPlainJson.name, () => {
  it('is JSON.stringify for small plain values', () => {
    const v = [{ statement: 'select 1', rows: [{ a: 1, b: null, c: 'é', d: undefined, e: [true, NaN] }], fields: [], durationMs: 0.2 }];
    expect(smallPlainJson(v, CHUNK_CHARS)).toBe(JSON.stringify(v));
  });

  it.each([
    ['json text', [{ j: new JsonText('{"n": 1.000000000000000000001}') }]],
    ['a toJSON', [{ t: { toJSON: () => 'x' } }]],
    ['a Date', [{ d: new Date(0) }]],
    ['a function', [{ f: () => 1 }]],
    ['a BigInt', [{ n: BigInt(1) }]],
    ['more than the limit', [{ s: 'x'.repeat(100) }]],
  ])('leaves %s to the chunked walk', (_what, v) => {
    expect(smallPlainJson(v, 64)).toBeUndefined();
  });
});

describe(writeJson.name, () => {
  const value = [{ rows: Array.from({ length: 3000 }, (_, i) => ({ i, v: `row ${i} ✓`.repeat(20) })) }, { big: '𝄞'.repeat(100_000) }];

  it('writes exactly JSON.stringify, waiting for drain instead of buffering it all', async () => {
    const { sink, got, maxBuffered } = slowSink(1024, (done) => setTimeout(done, 1));
    const finished = new Promise((r) => sink.on('finish', r));
    await expect(writeJson(sink, value, 4096)).resolves.toBe(true);
    await finished;
    expect(got.join('')).toBe(JSON.stringify(value));
    // At most one chunk beyond the high-water mark is ever queued.
    expect(maxBuffered()).toBeLessThan(1024 + 3 * 4096);
  });

  it('lets other work run between chunks', async () => {
    const { sink, got } = slowSink(1 << 30);
    let otherRanAfter = -1;
    setImmediate(() => (otherRanAfter = got.length));
    await writeJson(sink, value, 4096);
    expect(otherRanAfter).toBeGreaterThanOrEqual(0);
    expect(otherRanAfter).toBeLessThan(3);
  });

  it('stops, resolving false, when the client goes away mid-response', async () => {
    const { sink, got } = slowSink(1024);
    const writing = writeJson(sink, value, 4096);
    await new Promise((r) => setImmediate(r));
    sink.destroy();
    await expect(writing).resolves.toBe(false);
    const seen = got.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(got.length).toBe(seen);
    expect(got.join('').length).toBeLessThan(JSON.stringify(value).length);
  });

  it('destroys the response when the value fails after the first byte, and rethrows', async () => {
    const { sink, got } = slowSink();
    const bad = [{ v: 'x'.repeat(10_000) }, { n: BigInt(1) }];
    await expect(writeJson(sink, bad, 1024)).rejects.toThrow(TypeError);
    expect(got.length).toBeGreaterThan(0);
    expect(sink.destroyed).toBe(true);
  });

  it('sends an answer that fits in one chunk in one write, with its Content-Length', async () => {
    const { sink, got } = slowSink();
    const headers: Record<string, number> = {};
    const res = Object.assign(sink, { setHeader: (k: string, v: number) => (headers[k] = v) });
    const small = [{ statement: 'select 1', rows: [{ '?column?': 1, s: 'é' }] }];
    await expect(writeJson(res, small)).resolves.toBe(true);
    expect(got).toEqual([JSON.stringify(small)]);
    expect(headers['Content-Length']).toBe(Buffer.byteLength(JSON.stringify(small)));
  });

  it('writes nothing when the value fails before the first byte, so an error body can still be sent', async () => {
    const { sink, got } = slowSink();
    await expect(writeJson(sink, [{ n: BigInt(1) }])).rejects.toThrow(TypeError);
    expect(got).toEqual([]);
    expect(sink.destroyed).toBe(false);
  });
});
