import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { AuthUser } from '../auth/roles';
import { JsonLogger } from '../common/json-logger';
import { runInRequest } from '../common/request-context';
import { requestIdFor } from './request-id';

/** Polled by probes and scrapers every few seconds: their lines are debug, not info. */
const QUIET = new Set(['/healthz', '/metrics']);
const MAX_PATH = 300;

/**
 * First in the chain: gives the request its id (echoed as `X-Request-Id`), runs the rest of the
 * chain inside it so every line logged meanwhile carries it, and writes one access line when the
 * response ends or the client goes away: method, path (never the query: tokens travel there),
 * status, ms, and the user once the access guard has read the token.
 */
export function requestLogging(log: JsonLogger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdFor(req.headers);
    const started = performance.now();
    res.setHeader('X-Request-Id', requestId);
    res.once('close', () => {
      const path = pathOf(req.originalUrl);
      const level = QUIET.has(path) ? 'debug' : 'info';
      if (!log.isEnabled(level)) return;
      const user = (req as Request & { user?: AuthUser }).user?.userId;
      log.event(level, 'http', 'request', {
        requestId,
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(user === undefined ? {} : { user }),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
    runInRequest({ requestId }, next);
  };
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
}
