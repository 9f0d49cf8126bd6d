import { ApiClient, FetchFn, sameController } from './api-client';
import { CliError, ExitCode } from './errors';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function clientAnswering(res: () => Response | Promise<Response>, token?: string) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchFn: FetchFn = async (url, init) => {
    calls.push({ url: (url as URL).href, init: init ?? {} }); // ApiClient passes a URL
    return res();
  };
  return { sut: new ApiClient('http://ctl:3000/base', token, fetchFn, 200), calls };
}

async function failure(p: Promise<unknown>): Promise<CliError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CliError);
  return e as CliError;
}

describe(ApiClient.name, () => {
  it('sends the bearer token and JSON body under the base path, and keeps the body text', async () => {
    const { sut, calls } = clientAnswering(() => json(200, { target: 2 }), 'tok');
    const res = await sut.put('/api/admin/pool', { size: 2 });
    expect(calls[0].url).toBe('http://ctl:3000/base/api/admin/pool');
    expect(calls[0].init.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/json' });
    expect(calls[0].init.body).toBe('{"size":2}');
    expect(res).toEqual({ status: 200, body: { target: 2 }, text: '{"target":2}' });
  });

  it.each([
    [401, ExitCode.unauthorized, /^Sign in\. Run "sandboxctl login"/],
    [403, ExitCode.unauthorized, /role admin/],
    [404, ExitCode.notFound, /^User "x" has no sandbox\. \[HTTP 404\]$/],
    [409, ExitCode.conflict, /\[HTTP 409\]$/],
    [503, ExitCode.unavailable, /draining\) \(retry after 60s\) \[HTTP 503\]$/],
    [400, ExitCode.failure, /size must not be greater than 100; size must be an integer/],
    [500, ExitCode.failure, /reference abc/],
  ])("maps HTTP %i to exit code %i with the controller's message on one line", async (status, code, message) => {
    const messages: Record<number, unknown> = {
      401: 'Sign in.',
      403: 'This route is for operators (role admin).',
      404: 'User "x" has no sandbox.',
      409: 'busy',
      503: 'New sandboxes are paused\n(the fleet is draining)',
      400: ['size must not be greater than 100', 'size must be an integer'],
      500: 'Something went wrong (reference abc).',
    };
    const { sut } = clientAnswering(() => json(status, { statusCode: status, message: messages[status] }, { 'retry-after': '60' }));
    const e = await failure(sut.get('/x'));
    expect(e.exitCode).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('accepts listed error statuses as answers (healthz 503)', async () => {
    const { sut } = clientAnswering(() => json(503, { status: 'unavailable' }));
    expect((await sut.get('/healthz', { accept: [503] })).body).toEqual({ status: 'unavailable' });
  });

  it('reports a refused connection or a timeout as unreachable (3)', async () => {
    const refused = clientAnswering(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const e = await failure(refused.sut.get('/x'));
    expect(e.exitCode).toBe(ExitCode.unreachable);
    expect(e.message).toBe(
      'cannot reach the controller at http://ctl:3000/base (ECONNREFUSED): is it running? Set --url or SANDBOXCTL_URL.',
    );

    const slow: FetchFn = (_url, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const t = await failure(new ApiClient('http://ctl:3000', undefined, slow, 50).get('/x'));
    expect(t.exitCode).toBe(ExitCode.unreachable);
    expect(t.message).toMatch(/did not answer within 50ms/);
  });

  it('says so when the URL is not the controller (a body that is not JSON)', async () => {
    const { sut } = clientAnswering(() => new Response('<html>', { status: 200 }));
    expect((await failure(sut.get('/x'))).message).toMatch(/is --url pointing at the sandbox controller\?/);
  });

  it('refuses URLs that are not http(s) as usage errors', () => {
    expect(() => new ApiClient('ftp://x', undefined)).toThrow(expect.objectContaining({ exitCode: ExitCode.usage }));
    expect(() => new ApiClient('localhost:3000', undefined)).toThrow(/not an http\(s\) URL|not a URL/);
  });

  it('tells whether two URLs name the same controller', () => {
    expect(sameController('http://localhost:3000', 'http://localhost:3000/')).toBe(true);
    expect(sameController('http://localhost:3000', 'http://127.0.0.1:3000')).toBe(false);
    expect(sameController('https://a.example/sbx', 'https://a.example/sbx/')).toBe(true);
    expect(sameController('https://a.example/sbx', 'https://a.example/')).toBe(false);
  });
});
