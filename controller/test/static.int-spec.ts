import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Harness, startHarness } from './support/harness';

function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('Serving the notebook', () => {
  const dist = mkdtempSync(join(tmpdir(), 'pgsbx-web-'));
  const js = 'console.log("notebook");'.repeat(200);
  let h: Harness;
  beforeAll(async () => {
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>notebook</title>');
    writeFileSync(join(dist, 'app.js'), js);
    writeFileSync(join(dist, 'app.js.gz'), gzipSync(js));
    h = await startHarness({ WEB_DIST: dist, SANDBOX_WARM_POOL: '0' });
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at /', async () => {
    const res = await get(`${h.url}/`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('<title>notebook</title>');
  });

  it('serves the pre-gzipped file to a browser that accepts gzip, with the original type', async () => {
    const res = await get(`${h.url}/app.js`, { 'accept-encoding': 'gzip, deflate' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(String(res.headers['content-type'])).toMatch(/javascript/);
    expect(gunzipSync(res.body).toString()).toBe(js);
  });

  it('serves the plain file otherwise, and nothing outside the folder', async () => {
    const plain = await get(`${h.url}/app.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    const escape = await get(`${h.url}/..%2f..%2fetc%2fpasswd`, { 'accept-encoding': 'gzip' });
    expect(escape.status).toBe(404);
    expect(escape.body.toString()).not.toContain('root:');
  });
});
