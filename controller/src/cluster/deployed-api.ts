import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import { hs256Token } from '../bench/hs256-token';

export interface ApiAnswer {
  status: number;
  // The controller's JSON as parsed; callers assert on its shape.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/**
 * One request to a deployed controller's HTTP API as a user reaches it from outside: a token
 * signed with the deployment's JWT_SECRET (as the operator's identity service would), JSON both
 * ways. Shared by StackDeployment (stack.yaml) and the compose.yaml test.
 * timeoutMs: a published port whose container is not listening yet can hold a connection open for
 * minutes (docker-proxy dialing an address that is not up); probes give up sooner.
 */
export async function callApi(
  target: { base: string; jwtSecret: string },
  method: string,
  path: string,
  opts: { user?: string; role?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<ApiAnswer> {
  const { user, role, body, timeoutMs } = opts;
  const res = await fetch(target.base + path, {
    method,
    headers: {
      ...(user ? { authorization: `Bearer ${hs256Token(target.jwtSecret, user, role)}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown, headers: res.headers };
  } catch {
    return { status: res.status, body: text, headers: res.headers };
  }
}

/** One statement's rows, or its error, from an exec answer's list. */
export const rows = (r: SandboxResult | undefined) => (r as RowsResult | undefined)?.rows;
export const errorOf = (r: SandboxResult | undefined) => (r as ErrorResult | undefined)?.error;
