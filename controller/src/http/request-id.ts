import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';

/** What we accept from a proxy or client: a UUID, a trace id, a short token; nothing to inject. */
const SANE = /^[\w.:@/+=-]{1,128}$/;

/** The caller's `X-Request-Id` when it is sane, so one id follows a request through proxies; else a new one. */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && SANE.test(given) ? given : randomUUID();
}
