import type { ApiErrorBody, Checkpoint, CheckpointList, Me, Role, SandboxActivity, SandboxResult, SandboxStatus } from './types';
import { BackendError } from '../backends/backend';

const TOKEN_KEY = 'pgsbx.token';

/** The controller's HTTP API. The bearer token lives in localStorage. */
export class ApiClient {
  constructor(private readonly base = '') {}

  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  }

  set token(t: string | null) {
    if (t) localStorage.setItem(TOKEN_KEY, t);
    else localStorage.removeItem(TOKEN_KEY);
  }

  async authConfig(): Promise<{ devLogin: boolean }> {
    return (await this.call<{ devLogin: boolean }>('GET', '/api/auth/config', undefined, false)).body;
  }

  async devLogin(userId: string, role: Role): Promise<string> {
    const { body } = await this.call<{ token: string }>('POST', '/api/auth/dev-login', { userId, role }, false);
    this.token = body.token;
    return body.token;
  }

  async me(): Promise<Me> {
    return (await this.call<Me>('GET', '/api/auth/me')).body;
  }

  async status(): Promise<SandboxStatus> {
    return (await this.call<SandboxStatus>('GET', '/api/sandbox')).body;
  }

  /** What each session is doing: state, transaction, the sessions holding the locks it waits for. */
  async activity(): Promise<SandboxActivity> {
    return (await this.call<SandboxActivity>('GET', '/api/sandbox/activity')).body;
  }

  async reset(): Promise<SandboxStatus> {
    return (await this.call<SandboxStatus>('POST', '/api/sandbox/reset', {})).body;
  }

  async cancel(session: string): Promise<{ cancelled: boolean }> {
    return (await this.call<{ cancelled: boolean }>('POST', '/api/sandbox/cancel', { session })).body;
  }

  async exec(sql: string, session: string): Promise<{ results: SandboxResult[]; replaced?: string; restored?: string }> {
    const { body, headers } = await this.call<SandboxResult[]>('POST', '/api/sandbox/exec', { sql, session });
    const restored = headers.get('X-Sandbox-Restored') ?? undefined;
    return { results: body, replaced: headers.get('X-Sandbox-Replaced') ?? undefined, restored };
  }

  async checkpoints(): Promise<CheckpointList> {
    return (await this.call<CheckpointList>('GET', '/api/sandbox/checkpoints')).body;
  }

  async saveCheckpoint(name: string): Promise<Checkpoint> {
    return (await this.call<Checkpoint>('POST', '/api/sandbox/checkpoints', { name })).body;
  }

  async deleteCheckpoint(name: string): Promise<void> {
    await this.call<void>('DELETE', `/api/sandbox/checkpoints/${encodeURIComponent(name)}`);
  }

  /** Replaces the database with the checkpoint's (a fresh container it is restored into). */
  async resetTo(checkpoint: string): Promise<SandboxStatus> {
    return (await this.call<SandboxStatus>('POST', '/api/sandbox/reset', { checkpoint })).body;
  }

  /** Any JSON route (the notebooks API in api/notebooks-api.ts), with extra headers such as If-Match. */
  request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ body: T; headers: Headers }> {
    return this.call<T>(method, path, body, true, extraHeaders);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    auth = true,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = this.token;
    if (auth && token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new BackendError(`The controller cannot be reached (${e instanceof Error ? e.message : String(e)}).`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) throw new BackendError(errorMessage(res, parsed, text), res.status);
    return { body: parsed as T, headers: res.headers };
  }
}

function errorMessage(res: Response, parsed: unknown, text: string): string {
  const b = parsed as Partial<ApiErrorBody> | undefined;
  if (b && b.message) {
    const msg = Array.isArray(b.message) ? b.message.join('; ') : b.message;
    const retry = res.headers.get('Retry-After');
    return retry && res.status === 503 ? `${msg} (retry in ${retry} s)` : msg;
  }
  if (res.status === 413) return 'The SQL is too large for the sandbox (over 100 KB).';
  const status = `${res.status} ${res.statusText || ''}`.trim();
  // A proxy's error page (a 502 from nginx while the controller restarts): its HTML means nothing here.
  if (/html/i.test(res.headers.get('Content-Type') ?? '') || /^\s*</.test(text)) {
    return res.status >= 500
      ? `${status}: the controller did not answer (a proxy in front of it returned an error page). Try again in a moment.`
      : `${status}: the server returned an error page instead of an answer.`;
  }
  return `${status} ${text.slice(0, 200)}`.trim();
}
