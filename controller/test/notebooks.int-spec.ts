import { randomUUID } from 'node:crypto';
import { JsonLogger } from '../src/common/json-logger';
import { NOTEBOOK_LIMITS } from '../src/notebooks/notebook-limits';
import { PgNotebookStore } from '../src/notebooks/pg-notebook-store';
import { PgControlStore } from '../src/control/pg-control-store';
import { describeNotebookStoreContract } from './support/notebook-store-contract';
import { testControlDatabaseUrl } from './support/control-database';
import { Harness, startHarness, testPrefix } from './support/harness';
import { OpenApiValidator } from './support/openapi-validator';

const log = new JsonLogger('error');

// The same contract runs against the fake in src/notebooks/fake-notebook-store.contract.spec.ts.
let control: PgControlStore | undefined;
let contractStore: PgNotebookStore | undefined;
describeNotebookStoreContract(
  `${PgNotebookStore.name} (real Postgres)`,
  async () => {
    const url = await testControlDatabaseUrl(testPrefix());
    // The control store applies the migrations that make the notebook tables.
    control = new PgControlStore({ target: async () => ({ connectionString: url }), log, readyTimeoutMs: 30_000 });
    await control.init();
    return (contractStore = new PgNotebookStore({ target: async () => ({ connectionString: url }), log }));
  },
  async () => {
    await contractStore?.close();
    await control?.close();
  },
);

/** The notebooks API through HTTP, on the real controller with its real control store. */
describe('notebooks API (real controller, real control store)', () => {
  let h: Harness;
  let api: OpenApiValidator;
  let ann: string;
  let bob: string;
  const content = JSON.stringify({ cells: [{ sql: 'select 1 as one' }, { sql: '# Notes', kind: 'markdown' }] });

  beforeAll(async () => {
    // No rate limit: one test makes 200 notebooks in a row.
    h = await startHarness({ SANDBOX_WARM_POOL: '0', RATE_LIMIT_PER_MINUTE: '0' });
    api = new OpenApiValidator((await h.request('GET', '/api/openapi.json')).body);
    ann = h.token('nb-ann', 'user'); // not premium: saving notebooks is for everyone signed in
    bob = h.token('nb-bob', 'pro');
  });
  afterAll(async () => {
    await h?.close();
  });

  const create = async (token: string, name: string, body: string = content) => {
    const res = await h.request('POST', '/api/notebooks', token, { name, content: body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const put = (token: string, id: string, version: string | undefined, body: unknown) =>
    fetch(`${h.url}/api/notebooks/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(version ? { 'if-match': version } : {}) },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { message: string; [k: string]: unknown },
      etag: r.headers.get('etag'),
    }));

  it('creates, lists, reads, renames, edits and deletes; every answer fits the OpenAPI document', async () => {
    const made = await create(ann, '  Sales report ');
    expect(made).toMatchObject({ name: 'Sales report', content, version: 1, shareToken: null, bytes: Buffer.byteLength(content) });
    expect(api.errors('post', '/api/notebooks', 201, made)).toEqual([]);

    const list = await h.request('GET', '/api/notebooks', ann);
    expect(list.status).toBe(200);
    expect(list.body.notebooks.map((n: { name: string }) => n.name)).toEqual(['Sales report']);
    expect(list.body.limits).toEqual(NOTEBOOK_LIMITS);
    expect(api.errors('get', '/api/notebooks', 200, list.body)).toEqual([]);

    const got = await h.request('GET', `/api/notebooks/${made.id}`, ann);
    expect(got.body).toEqual(made);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(api.errors('get', '/api/notebooks/{id}', 200, got.body)).toEqual([]);

    const renamed = await put(ann, made.id, '"1"', { name: 'Q3 sales' });
    expect(renamed).toMatchObject({ status: 200, etag: '"2"', body: { name: 'Q3 sales', version: 2 } });
    expect(api.errors('put', '/api/notebooks/{id}', 200, renamed.body)).toEqual([]);
    const edited = await put(ann, made.id, '2', { content: '{"cells":[]}' });
    expect(edited.body).toMatchObject({ name: 'Q3 sales', version: 3, bytes: 12 });
    expect((await h.request('GET', `/api/notebooks/${made.id}`, ann)).body.content).toBe('{"cells":[]}');

    const deleted = await h.request('DELETE', `/api/notebooks/${made.id}`, ann);
    expect(deleted).toMatchObject({ status: 200, body: { deleted: made.id } });
    expect(api.errors('delete', '/api/notebooks/{id}', 200, deleted.body)).toEqual([]);
    expect((await h.request('GET', `/api/notebooks/${made.id}`, ann)).status).toBe(404);
  });

  it('a stale write is refused with 409 and changes nothing; a write without If-Match is 428', async () => {
    const n = await create(ann, 'Two tabs');
    expect((await put(ann, n.id, '1', { content: 'from tab A' })).status).toBe(200);
    const stale = await put(ann, n.id, '1', { content: 'from tab B' });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/changed since you opened it .*version 1.*version 2/);
    expect(api.errors('put', '/api/notebooks/{id}', 'default', stale.body)).toEqual([]);
    expect((await h.request('GET', `/api/notebooks/${n.id}`, ann)).body.content).toBe('from tab A');
    const blind = await put(ann, n.id, undefined, { content: 'x' });
    expect(blind.status).toBe(428);
    expect(blind.body.message).toMatch(/If-Match/);
    expect((await put(ann, n.id, 'latest', { content: 'x' })).status).toBe(400);
  });

  it("another user's notebook is not found: read, write, delete, duplicate, share all answer 404", async () => {
    const n = await create(ann, 'Private');
    const paths: [string, string, unknown?][] = [
      ['GET', `/api/notebooks/${n.id}`],
      ['DELETE', `/api/notebooks/${n.id}`],
      ['POST', `/api/notebooks/${n.id}/duplicate`, {}],
      ['POST', `/api/notebooks/${n.id}/share`, {}],
      ['DELETE', `/api/notebooks/${n.id}/share`],
    ];
    for (const [method, path, body] of paths) {
      const res = await h.request(method, path, bob, body);
      expect({ method, path, status: res.status, message: res.body.message }).toEqual({
        method,
        path,
        status: 404,
        message: `You have no notebook with id ${n.id}.`,
      });
    }
    expect((await put(bob, n.id, '1', { content: 'mine now' })).status).toBe(404);
    expect((await h.request('GET', '/api/notebooks', bob)).body.notebooks.map((x: { id: string }) => x.id)).not.toContain(n.id);
    expect((await h.request('GET', `/api/notebooks/${n.id}`, ann)).body.content).toBe(content);
    expect((await h.request('GET', `/api/notebooks/${n.id}`)).status).toBe(401);
  });

  it('duplicates under "Copy of …" with the same content', async () => {
    const n = await create(ann, 'Original');
    const copy = await h.request('POST', `/api/notebooks/${n.id}/duplicate`, ann, {});
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: 'Copy of Original', content, version: 1 });
    expect(copy.body.id).not.toBe(n.id);
    expect(api.errors('post', '/api/notebooks/{id}/duplicate', 201, copy.body)).toEqual([]);
  });

  it('shares a snapshot anyone can read; sharing again updates it under the same link; a signed-in user forks it; revoking ends it', async () => {
    const n = await create(ann, 'Shared report');
    const results = { '0': [{ statement: 'select 1 as one', fields: [{ name: 'one', dataTypeID: 23 }], rows: [[1]], durationMs: 1 }] };
    const share = await h.request('POST', `/api/notebooks/${n.id}/share`, ann, { results });
    expect(share.status).toBe(200);
    expect(share.body.url).toBe(`${h.url}/?share=${share.body.token}`);
    expect(api.errors('post', '/api/notebooks/{id}/share', 200, share.body)).toEqual([]);

    const anonymous = await h.request('GET', `/api/shared/${share.body.token}`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ token: share.body.token, name: 'Shared report', content, results, sharedAt: share.body.sharedAt });
    expect(api.errors('get', '/api/shared/{token}', 200, anonymous.body)).toEqual([]);

    // The snapshot does not follow later edits until shared again.
    await put(ann, n.id, '1', { content: 'edited after sharing' });
    expect((await h.request('GET', `/api/shared/${share.body.token}`)).body.content).toBe(content);
    const again = await h.request('POST', `/api/notebooks/${n.id}/share`, ann, {});
    expect(again.body.token).toBe(share.body.token);
    expect((await h.request('GET', `/api/shared/${share.body.token}`)).body).toMatchObject({
      content: 'edited after sharing',
      results: null,
    });
    expect((await h.request('GET', `/api/notebooks/${n.id}`, ann)).body.shareToken).toBe(share.body.token);

    expect((await h.request('POST', `/api/shared/${share.body.token}/fork`)).status).toBe(401);
    const fork = await h.request('POST', `/api/shared/${share.body.token}/fork`, bob);
    expect(fork.status).toBe(201);
    expect(fork.body).toMatchObject({ name: 'Shared report', content: 'edited after sharing', version: 1, shareToken: null });
    expect(api.errors('post', '/api/shared/{token}/fork', 201, fork.body)).toEqual([]);
    expect((await h.request('GET', '/api/notebooks', bob)).body.notebooks.map((x: { id: string }) => x.id)).toContain(fork.body.id);

    const revoked = await h.request('DELETE', `/api/notebooks/${n.id}/share`, ann);
    expect(revoked.body).toEqual({ revoked: true });
    expect(api.errors('delete', '/api/notebooks/{id}/share', 200, revoked.body)).toEqual([]);
    const gone = await h.request('GET', `/api/shared/${share.body.token}`);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toMatch(/No notebook is shared at this link/);
    expect((await h.request('DELETE', `/api/notebooks/${n.id}/share`, ann)).body).toEqual({ revoked: false });
    expect((await h.request('GET', `/api/notebooks/${fork.body.id}`, bob)).status).toBe(200); // the fork stays
  });

  it('bad input is a clear 4xx, never a 500', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/api/notebooks', { name: '' }, 400, /notebook name is 1–120 characters/],
      ['POST', '/api/notebooks', { name: 'x'.repeat(121) }, 400, /notebook name/],
      ['POST', '/api/notebooks', { name: 'two\nlines' }, 400, /notebook name/],
      ['POST', '/api/notebooks', { name: 'ok', content: 'nul \u0000 here' }, 400, /NUL/],
      ['POST', '/api/notebooks', { name: 'ok', content: 42 }, 400, /content must be text/],
      ['POST', '/api/notebooks', { name: 'ok', owner: 'nb-bob' }, 400, /property owner should not exist/],
      ['GET', '/api/notebooks/not-a-uuid', undefined, 400, /is not a notebook id/],
      ['GET', `/api/notebooks/${randomUUID()}`, undefined, 404, /You have no notebook/],
      ['GET', '/api/shared/short', undefined, 404, /No notebook is shared/],
      ['GET', `/api/shared/${'A'.repeat(22)}`, undefined, 404, /No notebook is shared/],
      ['POST', `/api/shared/${'A'.repeat(22)}/fork`, {}, 404, /No notebook is shared/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await h.request(method, path, ann, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(res.body.message).toMatch(message);
    }
    const n = await create(ann, 'Share me');
    const notObject = await h.request('POST', `/api/notebooks/${n.id}/share`, ann, { results: [1, 2] });
    expect(notObject.status).toBe(400);
    expect(notObject.body.message).toMatch(/results must be a JSON object/);
  });

  it('a notebook over 1 MiB is 413, a share over 4 MiB is 413, and nothing is written', async () => {
    const big = 'x'.repeat(NOTEBOOK_LIMITS.maxBytes + 1);
    const res = await h.request('POST', '/api/notebooks', ann, { name: 'Too big', content: big });
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/at most 1024 KiB/);
    const n = await create(ann, 'Fits', 'x'.repeat(NOTEBOOK_LIMITS.maxBytes));
    expect((await put(ann, n.id, '1', { content: big })).status).toBe(413);
    expect((await h.request('GET', `/api/notebooks/${n.id}`, ann)).body.version).toBe(1);
    const share = await h.request('POST', `/api/notebooks/${n.id}/share`, ann, {
      results: { '0': 'y'.repeat(NOTEBOOK_LIMITS.maxShareBytes) },
    });
    expect(share.status).toBe(413);
    expect(share.body.message).toMatch(/a share holds at most 4096 KiB/);
    expect((await h.request('GET', `/api/notebooks/${n.id}`, ann)).body.shareToken).toBeNull();
    const huge = await h.request('POST', '/api/notebooks', ann, { name: 'Huge', content: 'z'.repeat(9 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/a notebook holds at most 1 MiB/);
  });

  it('the 201st notebook is refused with 409; deleting one makes room', async () => {
    const carol = h.token('nb-carol', 'user');
    const ids: string[] = [];
    for (let i = 0; i < NOTEBOOK_LIMITS.maxNotebooks; i++) ids.push((await create(carol, `n${i}`, '')).id);
    const over = await h.request('POST', '/api/notebooks', carol, { name: 'one more' });
    expect(over.status).toBe(409);
    expect(over.body.message).toMatch(/You already have 200 notebooks/);
    expect((await h.request('POST', `/api/notebooks/${ids[0]}/duplicate`, carol, {})).status).toBe(409);
    await h.request('DELETE', `/api/notebooks/${ids[0]}`, carol);
    expect((await h.request('POST', '/api/notebooks', carol, { name: 'one more' })).status).toBe(201);
  });
});
