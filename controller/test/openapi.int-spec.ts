import type { ErrorResult, RowsResult, SandboxStatus } from '@pgsbx/contract';
import { Harness, startHarness } from './support/harness';
import { OpenApiValidator } from './support/openapi-validator';

/** GET /api/openapi.json describes what the routes really answer; each check here is a real answer. */
describe('OpenAPI document (real Docker)', () => {
  let h: Harness;
  let api: OpenApiValidator;
  let pro: string;
  let admin: string;

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '1' });
    const res = await h.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    api = new OpenApiValidator(res.body);
    pro = h.token('openapi-user', 'pro');
    admin = h.token('openapi-admin', 'admin');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is public, and every route but the metrics text declares a JSON answer', async () => {
    const res = await h.request('GET', '/api/openapi.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);
    // Saving a checkpoint, creating, duplicating and forking a notebook answer 201.
    expect(api.undocumented('200').sort()).toEqual([
      'GET /metrics',
      'POST /api/notebooks',
      'POST /api/notebooks/{id}/duplicate',
      'POST /api/sandbox/checkpoints',
      'POST /api/shared/{token}/fork',
    ]);
    expect(api.undocumented('201')).toContain('GET /metrics');
    expect(api.undocumented('201')).not.toContain('POST /api/sandbox/checkpoints');
    expect(api.undocumented('201')).not.toContain('POST /api/notebooks');
    expect(api.undocumented('default')).toEqual([]);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/sandbox/exec', '/api/sandbox', '/api/sandbox/activity', '/api/admin/sandboxes']),
    );
    expect(res.body.paths['/api/openapi.json']).toBeUndefined();
  });

  it('exec: rows, notices and a statement error fit RowsResult and ErrorResult', async () => {
    const res = await h.exec(
      pro,
      `select 1 as n, 'x'::text as t, null::int as z, now() as ts, '{"a":[1]}'::jsonb as j;
       create table items(id int);
       insert into items values (1), (2);
       do $$ begin raise notice 'hello'; end $$;
       select nosuch from items`,
    );
    expect(res.status).toBe(200);
    expect(api.errors('post', '/api/sandbox/exec', 200, res.body)).toEqual([]);
    expect((res.body[2] as RowsResult).affectedRows).toBe(2);
    expect((res.body[3] as RowsResult).notices?.[0].message).toBe('hello');
    expect((res.body[4] as ErrorResult).error).toMatchObject({ code: '42703', position: expect.any(Number) });
  });

  it('status, cancel and reset fit SandboxStatus and CancelResult', async () => {
    const status = await h.request('GET', '/api/sandbox', pro);
    expect(status.status).toBe(200);
    expect((status.body as SandboxStatus).state).toBe('ready');
    expect(api.errors('get', '/api/sandbox', 200, status.body)).toEqual([]);

    const cancel = await h.request('POST', '/api/sandbox/cancel', pro, { session: 'main' });
    expect(cancel.body).toEqual({ cancelled: false, outcome: 'idle' });
    expect(api.errors('post', '/api/sandbox/cancel', 200, cancel.body)).toEqual([]);

    const reset = await h.request('POST', '/api/sandbox/reset', pro, {});
    expect(reset.status).toBe(200);
    expect(api.errors('post', '/api/sandbox/reset', 200, reset.body)).toEqual([]);

    const fresh = await h.request('GET', '/api/sandbox', h.token('openapi-nobody', 'pro'));
    expect(fresh.body.state).toBe('none');
    expect(api.errors('get', '/api/sandbox', 200, fresh.body)).toEqual([]);
  });

  it('auth: config, dev login and me fit their schemas', async () => {
    const config = await h.request('GET', '/api/auth/config');
    expect(api.errors('get', '/api/auth/config', 200, config.body)).toEqual([]);
    const login = await h.request('POST', '/api/auth/dev-login', undefined, { userId: 'openapi-login', role: 'sponsor' });
    expect(login.status).toBe(200);
    expect(api.errors('post', '/api/auth/dev-login', 200, login.body)).toEqual([]);
    const me = await h.request('GET', '/api/auth/me', login.body.token);
    expect(me.body).toEqual({ userId: 'openapi-login', role: 'sponsor', premium: true });
    expect(api.errors('get', '/api/auth/me', 200, me.body)).toEqual([]);
  });

  it('admin: the sandbox list, one sandbox, stats and the pool fit their schemas', async () => {
    expect((await h.exec(pro, 'select 1')).status).toBe(200);
    for (const path of ['/api/admin/sandboxes', '/api/admin/sandboxes?stats=0']) {
      const list = await h.request('GET', path, admin);
      expect(list.status).toBe(200);
      expect(list.body.map((s: { user: string }) => s.user)).toContain('openapi-user');
      expect(api.errors('get', '/api/admin/sandboxes', 200, list.body)).toEqual([]);
    }
    const one = await h.request('GET', '/api/admin/sandboxes/openapi-user', admin);
    expect(api.errors('get', '/api/admin/sandboxes/{user}', 200, one.body)).toEqual([]);
    const stats = await h.request('GET', '/api/admin/stats', admin);
    expect(api.errors('get', '/api/admin/stats', 200, stats.body)).toEqual([]);
    const pool = await h.request('GET', '/api/admin/pool', admin);
    expect(api.errors('get', '/api/admin/pool', 200, pool.body)).toEqual([]);
    const health = await h.request('GET', '/healthz');
    expect(api.errors('get', '/healthz', 200, health.body)).toEqual([]);
  });

  it('saved databases: checkpoints, hibernate, hibernated, storage, wake and drain fit their schemas', async () => {
    const user = h.token('openapi-saver', 'pro');
    const fits = async (method: string, path: string, doc: string, body?: unknown, as = admin, status = 200) => {
      const res = await h.request(method, path, as, body);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(api.errors(method.toLowerCase(), doc, status, res.body)).toEqual([]);
      return res.body;
    };
    expect((await h.exec(user, 'create table t(n int)')).status).toBe(200);
    await fits('POST', '/api/sandbox/checkpoints', '/api/sandbox/checkpoints', { name: 'one' }, user, 201);
    await fits('GET', '/api/sandbox/checkpoints', '/api/sandbox/checkpoints', undefined, user);
    await fits('GET', '/api/admin/sandboxes/openapi-saver/checkpoints', '/api/admin/sandboxes/{user}/checkpoints');
    expect(await fits('POST', '/api/admin/sandboxes/openapi-saver/hibernate', '/api/admin/sandboxes/{user}/hibernate')).toEqual({
      hibernated: true,
    });
    await fits('POST', '/api/admin/sandboxes/nobody-here/hibernate', '/api/admin/sandboxes/{user}/hibernate');
    expect((await fits('GET', '/api/sandbox', '/api/sandbox', undefined, user)).state).toBe('hibernated');
    const asleep = await fits('GET', '/api/admin/hibernated', '/api/admin/hibernated');
    expect(asleep.map((u: { user: string }) => u.user)).toContain('openapi-saver');
    await fits('GET', '/api/admin/storage', '/api/admin/storage');
    const woke = await fits('POST', '/api/admin/sandboxes/openapi-saver/wake', '/api/admin/sandboxes/{user}/wake');
    expect(woke.status.restored).toMatchObject({ ms: expect.any(Number) });
    await fits('POST', '/api/sandbox/wake', '/api/sandbox/wake', undefined, user);
    await fits('POST', '/api/sandbox/reset', '/api/sandbox/reset', { checkpoint: 'one' }, user);
    expect(await fits('DELETE', '/api/sandbox/checkpoints/one', '/api/sandbox/checkpoints/{name}', undefined, user)).toEqual({
      deleted: 'one',
    });
    try {
      expect(await fits('POST', '/api/admin/drain', '/api/admin/drain', { hibernate: true })).toMatchObject({ draining: true });
      await fits('GET', '/api/admin/stats', '/api/admin/stats');
    } finally {
      await h.request('POST', '/api/admin/undrain', admin);
    }
  });

  it('errors fit ApiError', async () => {
    const anonymous = await h.request('POST', '/api/sandbox/exec', undefined, { sql: 'select 1' });
    expect(anonymous.status).toBe(401);
    expect(api.errors('post', '/api/sandbox/exec', 'default', anonymous.body)).toEqual([]);
    const bad = await h.request('POST', '/api/sandbox/exec', pro, { sql: 1 });
    expect(bad.status).toBe(400);
    expect(api.errors('post', '/api/sandbox/exec', 'default', bad.body)).toEqual([]);
  });

  it('fails an answer that drifted from the document: a new field, a missing one, a wrong type', async () => {
    const status = (await h.request('GET', '/api/sandbox', pro)).body as SandboxStatus;
    expect(api.errors('get', '/api/sandbox', 200, { ...status, hibernated: true })).not.toEqual([]);
    const { userId: _gone, ...noUser } = status;
    expect(api.errors('get', '/api/sandbox', 200, noUser)).not.toEqual([]);
    expect(api.errors('get', '/api/sandbox', 200, { ...status, limits: { ...status.limits, maxRows: '1000' } })).not.toEqual([]);
    expect(api.errors('post', '/api/sandbox/exec', 200, [{ statement: 'select 1', rows: [], durationMs: 1 }])).not.toEqual([]);
  });
});
