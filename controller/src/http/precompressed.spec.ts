import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptedEncodings, cacheControlFor, IMMUTABLE, precompressed } from './precompressed';

describe('acceptedEncodings', () => {
  it('reads the tokens a browser sends', () => {
    expect([...acceptedEncodings('gzip, deflate, br, zstd')].sort()).toEqual(['br', 'deflate', 'gzip', 'zstd']);
  });

  it('refuses what q=0 names, and lets * stand for the rest', () => {
    expect([...acceptedEncodings('gzip, br;q=0')]).toEqual(['gzip']);
    expect([...acceptedEncodings('*;q=0.5, gzip;q=0')].sort()).toEqual(['br']);
    expect(acceptedEncodings('identity').has('gzip')).toBe(false);
    expect(acceptedEncodings(undefined).size).toBe(0);
  });
});

describe('cacheControlFor', () => {
  it('caches hashed assets for ever, revalidates HTML, and keeps the rest an hour', () => {
    expect(cacheControlFor('assets/index-Bx12.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('index.html')).toBe('no-cache');
    expect(cacheControlFor('favicon.svg')).toBe('public, max-age=3600');
  });
});

describe('precompressed', () => {
  let dir: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'precompressed-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets/app-1a2b.js'), 'plain');
    writeFileSync(join(dir, 'assets/app-1a2b.js.gz'), 'gzipped');
    writeFileSync(join(dir, 'assets/app-1a2b.js.br'), 'brotli');
    writeFileSync(join(dir, 'index.html'), '<p>plain</p>');
    writeFileSync(join(dir, 'index.html.gz'), 'gzipped html');
    const app = express();
    app.use(precompressed(dir));
    app.use((_req, res) => res.status(404).send('fell through'));
    server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fetchRaw = (path: string, acceptEncoding?: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      get({ port, path, headers: acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {} }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on('error', reject);
    });

  it('serves brotli to a browser that accepts it, as immutable with Vary', async () => {
    const r = await fetchRaw('/assets/app-1a2b.js', 'gzip, deflate, br');
    expect(r.body).toBe('brotli');
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['vary']).toBe('Accept-Encoding');
    expect(r.headers['cache-control']).toBe(IMMUTABLE);
    expect(r.headers['content-type']).toMatch(/javascript/);
  });

  it('serves gzip when brotli is not accepted, or when no .br was written', async () => {
    expect((await fetchRaw('/assets/app-1a2b.js', 'gzip')).body).toBe('gzipped');
    expect((await fetchRaw('/assets/app-1a2b.js', 'gzip, br;q=0')).body).toBe('gzipped');
    const html = await fetchRaw('/', 'br, gzip');
    expect(html.body).toBe('gzipped html');
    expect(html.headers['cache-control']).toBe('no-cache');
  });

  it('leaves everything else to the next handler', async () => {
    expect((await fetchRaw('/assets/app-1a2b.js')).body).toBe('fell through');
    expect((await fetchRaw('/assets/missing.js', 'br')).body).toBe('fell through');
    expect((await fetchRaw('/../etc/passwd', 'br')).body).toBe('fell through');
  });

  it('answers 400 for a malformed escape', async () => {
    expect((await fetchRaw('/%ff', 'gzip')).status).toBe(400);
  });
});
