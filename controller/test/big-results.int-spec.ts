import { ClientRequest, IncomingMessage, request } from 'node:http';
import type { RowsResult, SandboxResult } from '@pgsbx/contract';
import { Harness, startHarness } from './support/harness';
import { rssGrowthDuring, sleep } from './support/util';

const MiB = 1024 * 1024;
const asRows = (r: SandboxResult | undefined) => r as RowsResult;

/** An exec whose response the test reads by hand: paused, resumed or cut off. */
function startExec(h: Harness, token: string, sql: string): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const body = JSON.stringify({ sql });
  const req = request(`${h.url}/api/sandbox/exec`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  req.end(body);
  return { req, response };
}

const firstChunk = (res: IncomingMessage) => new Promise<Buffer>((resolve) => res.once('data', resolve));

function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

describe('Big results are written in chunks, capped per response (real Docker)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '2', SANDBOX_MAX_RESPONSE: '48m' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a ~40 MB result (unicode, long values) arrives as the JSON of exactly what was selected', async () => {
    const t = h.token('big-reader');
    const res = await h.exec(
      t,
      "select g, 'a' || repeat('é', 4 * 1024 * 1024) || repeat('x', 2 * 1024 * 1024) || '✓' || g as v, null as n, '{\"k\": [1, \"𝄞\"]}'::jsonb as j from generate_series(1, 4) g",
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const r = asRows(res.body[0]);
    expect(r.command).toBe('SELECT');
    expect(r.truncated).toBeUndefined();
    expect(r.fields.map((f) => f.name)).toEqual(['g', 'v', 'n', 'j']);
    expect(r.rows.map((row) => row.g)).toEqual([1, 2, 3, 4]);
    for (const row of r.rows) {
      const v = row.v as string;
      expect(v).toHaveLength(1 + 6 * MiB + 1 + 1);
      expect(v.slice(0, 3)).toBe('aéé');
      expect(v.slice(4 * MiB - 1, 4 * MiB + 3)).toBe('ééxx');
      expect(v.slice(-2)).toBe(`✓${row.g as string}`);
      expect(row.n).toBeNull();
      expect(row.j).toEqual({ k: [1, '𝄞'] });
    }
  });

  it('the response cap drops later rows across statements, marks them truncated, and still runs the rest', async () => {
    const t = h.token('capped');
    const fifteen = (c: string, n: number) => `select repeat('${c}', 15 * 1024 * 1024) as v from generate_series(1, ${n})`;
    const res = await h.exec(t, `${fifteen('a', 2)}; ${fifteen('b', 2)}; select 'tiny' as v; create table after_cap(x int)`);
    expect(res.status).toBe(200);
    const [first, second, third, fourth] = res.body.map(asRows);
    // 30 MB fit in 48 MB; the next 15 MB row still fits, the one after does not; then nothing more.
    expect(first.rows).toHaveLength(2);
    expect(first.truncated).toBeUndefined();
    expect(second.rows).toHaveLength(1);
    expect((second.rows[0].v as string).length).toBe(15 * MiB);
    expect(second.truncated).toBe(true);
    expect(third.rows).toEqual([]);
    expect(third.truncated).toBe(true);
    expect(fourth.command).toBe('CREATE TABLE');
    expect(fourth.truncated).toBeUndefined();
    const after = await h.exec(t, 'select count(*)::int as n from after_cap');
    expect(asRows(after.body[0]).rows).toEqual([{ n: 0 }]);
  });

  it('a client that leaves mid-response, or before it, does not break the controller', async () => {
    const t = h.token('leaver');
    await h.exec(t, 'select 1');
    const big = "select repeat('z', 1024 * 1024) as v from generate_series(1, 32)";
    for (let i = 0; i < 3; i++) {
      const res = await startExec(h, t, big).response;
      expect((await firstChunk(res)).toString('utf8')).toMatch(/^\[\{"statement":/);
      res.destroy();
    }
    // And one that leaves while its statement is still running.
    const early = startExec(h, t, 'select pg_sleep(0.5), 1 as x');
    early.response.catch(() => undefined);
    await sleep(100);
    early.req.destroy();
    const next = await h.exec(t, "select 'still here' as ok");
    expect(asRows(next.body[0]).rows).toEqual([{ ok: 'still here' }]);
    const other = await h.exec(h.token('leaver-neighbour'), 'select 2 as two');
    expect(asRows(other.body[0]).rows).toEqual([{ two: 2 }]);
  });

  it('another user is answered while a big response waits on its slow reader, which then gets all of it', async () => {
    const bigUser = h.token('slow-reader');
    const small = h.token('small-user');
    await h.exec(small, 'select 1');
    const res = await startExec(h, bigUser, "select g, repeat('q', 1024 * 1024) as v from generate_series(1, 32) g").response;
    // Read the first chunk, then stop reading: the controller must wait on the socket, not the loop.
    const head = await firstChunk(res);
    res.pause();
    let bigEnded = false;
    res.on('end', () => (bigEnded = true));
    const answer = await h.exec(small, 'select 42 as answer');
    expect(asRows(answer.body[0]).rows).toEqual([{ answer: 42 }]);
    expect(bigEnded).toBe(false);
    const rest = readAll(res);
    res.resume();
    const body = JSON.parse(Buffer.concat([head, await rest]).toString('utf8')) as SandboxResult[];
    const r = asRows(body[0]);
    expect(r.rows).toHaveLength(32);
    expect(r.rows[31]).toEqual({ g: 32, v: 'q'.repeat(MiB) });
  });

  // Found by the second attacker: parsed, nested JSON costs ~25× its text in V8 (15 MB grew the
  // controller by 1.9 GB). json is now passed through as the text Postgres sent.
  it('a deeply nested 8 MB json value arrives intact and does not balloon the controller', async () => {
    const t = h.token('big-json');
    const sql = `select ('[' || rtrim(repeat(repeat('[', 500) || repeat(']', 500) || ',', 8000), ',') || ']')::json as j`;
    await h.exec(t, 'select 1');
    // Read as text inside the measurement: the test's own JSON.parse would cost what is measured.
    const { result: text, growthMiB } = await rssGrowthDuring(async () => {
      const res = await fetch(`${h.url}/api/sandbox/exec`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql }),
      });
      return res.text();
    });
    const rows = (JSON.parse(text)[0] as RowsResult).rows;
    expect(Array.isArray(rows[0].j)).toBe(true);
    expect((rows[0].j as unknown[]).length).toBe(8000);
    // The response text itself is ~8 MB; parsed on the server it was ~200 MB.
    expect(growthMiB).toBeLessThan(100);
  });

  it('an error before the first byte is still a JSON error response', async () => {
    const res = await h.exec(h.token('bad-sql'), 'select 1\u0000');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.message).toMatch(/NUL character/);
  });
});
