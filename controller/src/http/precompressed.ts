import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

/**
 * Serves `file.gz` (written by the web build) instead of `file` to browsers that accept gzip;
 * everything else falls through to the static file server.
 */
export function precompressed(root: string): RequestHandler {
  const base = normalize(root + sep);
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/')) return next();
    if (!/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return next();
    const decoded = safeDecode(req.path);
    if (decoded === null) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'The path is not valid percent-encoding.' });
      return;
    }
    const rel = req.path === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const file = normalize(join(base, rel));
    if (!file.startsWith(base) || !existsSync(`${file}.gz`) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return next();
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Cache-Control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600');
    res.type(extname(file));
    res.sendFile(`${file}.gz`, (err) => err && next(err));
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
