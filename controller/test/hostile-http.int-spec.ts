import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Harness, startHarness } from './support/harness';

/** A raw request: any path, any Host, any body — what fetch would tidy up or refuse to send. */
function send(base: string, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; text: string; json: { statusCode?: number; message?: string; token?: string } | null }>(
    (resolve, reject) => {
      const u = new URL(base);
      const req = request(
        { host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            let json = null;
            try {
              json = JSON.parse(text);
            } catch {
              /* asserted by the caller */
            }
            resolve({ status: res.statusCode ?? 0, text, json });
          });
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    },
  );
}

const nested = (levels: number) => `{"userId":${'['.repeat(levels)}${']'.repeat(levels)},"role":"pro","sql":"select 1"}`;

describe('Hostile HTTP at the edge (real controller)', () => {
  const dist = mkdtempSync(join(tmpdir(), 'pgsbx-web-'));
  let h: Harness;
  let allowing: Harness;
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>notebook</title>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dist, 'assets', 'app.js.gz'), gzipSync('console.log(1)'));
    h = await startHarness({ WEB_DIST: dist, SANDBOX_WARM_POOL: '0', AUTH_DEV_LOGIN: 'on' });
    allowing = await startHarness({ WEB_DIST: dist, SANDBOX_WARM_POOL: '0', AUTH_DEV_LOGIN: 'on', ALLOWED_HOSTS: 'notebook.test' });
  });
  afterAll(async () => {
    await h?.close();
    await allowing?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('refuses JSON nested 5,000 and 100,000 levels deep with 400 JSON, on dev-login and exec, and keeps serving', async () => {
    const token = h.token('deep');
    for (const levels of [5_000, 100_000]) {
      for (const path of ['/api/auth/dev-login', '/api/sandbox/exec']) {
        const res = await send(h.url, {
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: nested(levels),
        });
        expect({ levels, path, status: res.status }).toEqual({ levels, path, status: 400 });
        expect(res.json?.message).toMatch(/nests arrays and objects more than 64 levels deep/);
      }
    }
    // Deep enough to be odd, shallow enough to be allowed: validation answers, not the depth guard.
    const shallow = await send(h.url, {
      method: 'POST',
      path: '/api/auth/dev-login',
      headers: { 'content-type': 'application/json' },
      body: nested(10),
    });
    expect(shallow.status).toBe(400);
    expect(shallow.json?.message).toMatch(/userId must be a string/);
    const login = await h.request('POST', '/api/auth/dev-login', undefined, { userId: 'after', role: 'pro' });
    expect(login.status).toBe(200);
  });

  it('answers malformed percent-encoded paths with 400 or 404 JSON, never 500, with or without gzip', async () => {
    for (const path of ['/%', '/assets/%ff', '/api/%zz', '/%E0%A4%A', '/assets/%']) {
      for (const headers of [{}, { 'accept-encoding': 'gzip, deflate' }] as Record<string, string>[]) {
        const res = await send(h.url, { path, headers });
        expect({ path, headers, status: [400, 404].includes(res.status) }).toEqual({ path, headers, status: true });
        expect(res.json?.statusCode).toBe(res.status);
      }
    }
    // A malformed route parameter, before and after the token check.
    for (const token of [undefined, h.token('ops', 'admin')]) {
      const res = await send(h.url, { path: '/api/admin/sandboxes/%zz/logs', headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect({ token: !!token, status: [400, 401, 404].includes(res.status) }).toEqual({ token: !!token, status: true });
      expect(res.json?.statusCode).toBe(res.status);
    }
    const ok = await send(h.url, { path: '/assets/app.js', headers: { 'accept-encoding': 'gzip' } });
    expect(ok.status).toBe(200);
  });

  it('with dev login on, refuses a foreign Host (DNS rebinding) with 403 saying how to allow it; loopback names work', async () => {
    const login = (host: string, on = h) =>
      send(on.url, {
        method: 'POST',
        path: '/api/auth/dev-login',
        headers: { host, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'mallory', role: 'admin' }),
      });
    for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example', '192.168.1.20:3000']) {
      const res = await login(host);
      expect({ host, status: res.status }).toEqual({ host, status: 403 });
      expect(res.json?.token).toBeUndefined();
      expect(res.json?.message).toMatch(/ALLOWED_HOSTS/);
    }
    const page = await send(h.url, { path: '/', headers: { host: 'evil.example' } });
    expect(page.status).toBe(403);
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000']) {
      const res = await login(host);
      expect({ host, status: res.status }).toEqual({ host, status: 200 });
      expect(res.json?.token).toEqual(expect.any(String));
    }
    expect((await login('notebook.test:8080', allowing)).status).toBe(200);
    expect((await login('evil.example', allowing)).status).toBe(403);
  });
});
