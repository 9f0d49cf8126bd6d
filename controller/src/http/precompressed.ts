import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

/** The encodings the web build writes beside a file, best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Vite names what it emits under assets/ by content hash: a new build is a new URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The Cache-Control for a file of the notebook: HTML revalidates, hashed assets never do. */
export function cacheControlFor(relPath: string): string {
  if (relPath.endsWith('.html')) return 'no-cache';
  return /^\/?assets\//.test(relPath.split(sep).join('/')) ? IMMUTABLE : 'public, max-age=3600';
}

/**
 * The encodings an Accept-Encoding header accepts (q > 0), so `br;q=0` or `gzip;q=0` are refused
 * as RFC 9110 says; `*` accepts any not named.
 */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const out = new Set<string>();
  let star = false;
  const named = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    const ok = !q || Number(q[1]) > 0;
    if (token === '*') star = ok;
    else {
      named.add(token);
      if (ok) out.add(token);
    }
  }
  if (star) for (const e of ENCODINGS) if (!named.has(e.name)) out.add(e.name);
  return out;
}

/**
 * Serves `file.br` or `file.gz` (written by the web build) instead of `file` to browsers that
 * accept it, brotli first; everything else falls through to the static file server.
 */
export function precompressed(root: string): RequestHandler {
  const base = normalize(root + sep);
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/')) return next();
    const accepted = acceptedEncodings(req.headers['accept-encoding']);
    if (accepted.size === 0) return next();
    const decoded = safeDecode(req.path);
    if (decoded === null) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'The path is not valid percent-encoding.' });
      return;
    }
    const rel = req.path === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const file = normalize(join(base, rel));
    if (!file.startsWith(base) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return next();
    const enc = ENCODINGS.find((e) => accepted.has(e.name) && existsSync(file + e.suffix));
    if (!enc) return next();
    res.setHeader('Content-Encoding', enc.name);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Cache-Control', cacheControlFor(file.slice(base.length)));
    res.type(extname(file));
    res.sendFile(file + enc.suffix, (err) => err && next(err));
  };
}

/** decodeURIComponent, or null for a malformed escape (`/%`, `/%ff`) instead of a URIError. */
export function safeDecode(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
