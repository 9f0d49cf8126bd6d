import type { NextFunction, Request, RequestHandler, Response } from 'express';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** The name part of a Host header, lower case, without port or trailing dot; null if unreadable. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(:\d{1,5})?$/.exec(h);
  return m ? m[1].replace(/\.$/, '') : null;
}

/**
 * With dev login on, anyone who can make a browser send requests to this port can mint an admin
 * token — including a web page whose own name is made to resolve to 127.0.0.1 (DNS rebinding);
 * such a request carries that page's name in Host. So every route answers only to loopback
 * names and the operator's ALLOWED_HOSTS; anything else gets 403 saying how to allow it.
 */
export function hostCheck(allowed: readonly string[]): RequestHandler {
  const names = new Set([...LOOPBACK, ...allowed]);
  return (req: Request, res: Response, next: NextFunction) => {
    const name = hostName(req.headers.host);
    if (name !== null && names.has(name)) return next();
    const shown = JSON.stringify((req.headers.host ?? '').slice(0, 100));
    res.status(403).json({
      statusCode: 403,
      error: 'Forbidden',
      message:
        `Host ${shown} is not served: while dev login is on, this controller answers only to localhost, 127.0.0.1 ` +
        `and [::1] (a guard against DNS rebinding). To use another name, add it to ALLOWED_HOSTS ` +
        `(comma-separated host names, no port) and restart.`,
    });
  };
}
