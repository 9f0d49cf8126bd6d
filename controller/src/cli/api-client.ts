import { formatDuration } from '../common/duration';
import { CliError, ExitCode, exitCodeForStatus } from './errors';

export type FetchFn = typeof fetch;

export interface ApiResponse<T> {
  status: number;
  /** The parsed JSON body. */
  body: T;
  /** The body exactly as the controller sent it (what `--json` prints). */
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Statuses besides 2xx that are answers rather than errors (e.g. 503 from /healthz). */
  accept?: number[];
  signal?: AbortSignal;
}

/**
 * HTTP to the controller and nothing else: one method per request, every failure turned into a
 * CliError whose exit code says what kind of failure it was.
 */
export class ApiClient {
  private readonly base: URL;

  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly fetchFn: FetchFn = fetch,
    private readonly timeoutMs = 60_000,
  ) {
    this.base = parseBaseUrl(baseUrl);
  }

  get<T>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, opts);
  }

  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { ...opts, body });
  }

  put<T>(path: string, body: unknown, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, { ...opts, body });
  }

  delete<T>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, opts);
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal,
      });
      text = await res.text();
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      throw this.networkError(e, timeout.aborted);
    }
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new CliError(
        `${url.origin} answered ${method} ${url.pathname} with HTTP ${res.status} and a body that is not JSON: ` +
          'is --url pointing at the sandbox controller?',
        res.ok ? ExitCode.failure : exitCodeForStatus(res.status),
      );
    }
    if (!res.ok && !opts.accept?.includes(res.status)) throw httpError(res, body);
    return { status: res.status, body: body as T, text };
  }

  private networkError(e: unknown, timedOut: boolean): CliError {
    if (timedOut) {
      return new CliError(
        `the controller at ${this.baseUrl} did not answer within ${formatDuration(this.timeoutMs)} (raise --timeout for slow operations)`,
        ExitCode.unreachable,
      );
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    let why = cause?.code ?? cause?.message ?? (e as Error).message;
    if (why === 'bad port') why = `fetch refuses port ${new URL(this.baseUrl).port}`;
    return new CliError(
      `cannot reach the controller at ${this.baseUrl} (${why}): is it running? Set --url or SANDBOXCTL_URL.`,
      ExitCode.unreachable,
    );
  }
}

function httpError(res: Response, body: unknown): CliError {
  const b = (body ?? {}) as { message?: unknown; error?: unknown };
  const raw = typeof b.message === 'string' ? b.message : Array.isArray(b.message) ? b.message.join('; ') : '';
  let message = oneLine(raw || `${res.status} ${res.statusText || (typeof b.error === 'string' ? b.error : 'error')}`);
  if (res.status === 401) message += ' Run "sandboxctl login", or pass --token / SANDBOXCTL_TOKEN.';
  if (res.status === 403) message += ' Use a token with role admin ("sandboxctl login --role admin").';
  const retry = res.headers.get('retry-after');
  if (res.status === 503 && retry) message += ` (retry after ${retry}s)`;
  return new CliError(`${message} [HTTP ${res.status}]`, exitCodeForStatus(res.status));
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The controller's base URL; a path prefix (behind a proxy) is kept. */
export function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`"${text}" is not a URL (example: http://localhost:3000)`, ExitCode.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${text}" is not an http(s) URL (example: http://localhost:3000)`, ExitCode.usage);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** Two URLs name the same controller: a stored token is only ever sent back to where it came from. */
export function sameController(a: string, b: string): boolean {
  try {
    return parseBaseUrl(a).href === parseBaseUrl(b).href;
  } catch {
    return false;
  }
}
