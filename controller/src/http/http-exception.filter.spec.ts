import type { ArgumentsHost } from '@nestjs/common';
import { CapacityError, DrainingError, RuntimeUnavailableError } from '../domain/errors';
import { HttpExceptionFilter } from './http-exception.filter';
import { JsonLogger } from '../common/json-logger';

/** Runs the filter on `error` and returns what the client gets. */
function answer(error: unknown, log = new JsonLogger('error')) {
  const headers: Record<string, string> = {};
  let status = 0;
  let body: unknown;
  const res = {
    headersSent: false,
    setHeader: (k: string, v: string) => void (headers[k] = v),
    status: (s: number) => ((status = s), res),
    json: (b: unknown) => void (body = b),
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter(log).catch(error, host);
  return { status, headers, body };
}

describe(HttpExceptionFilter.name, () => {
  it('answers a domain error with its own status and Retry-After', () => {
    expect(answer(new CapacityError(30))).toEqual({
      status: 503,
      headers: { 'Retry-After': '30' },
      body: { statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/All sandboxes are in use/) },
    });
    expect(answer(new DrainingError())).toMatchObject({ status: 503, headers: { 'Retry-After': '60' } });
  });

  it('tells the client the engine is unreachable, and logs the cause for operators', () => {
    const log = new JsonLogger('error');
    const event = jest.spyOn(log, 'event').mockImplementation(() => undefined);
    const res = answer(new RuntimeUnavailableError('the Docker engine at /x is unreachable (ENOENT)'), log);
    expect(res).toMatchObject({ status: 503, headers: { 'Retry-After': '10' } });
    expect((res.body as { message: string }).message).toMatch(/cannot reach its container engine \(Docker\)/);
    expect(event).toHaveBeenCalledWith('error', 'http', 'container engine unreachable', {
      error: 'the Docker engine at /x is unreachable (ENOENT)',
    });
  });

  it('turns anything else into a 500 with a correlation id', () => {
    const log = new JsonLogger('error');
    jest.spyOn(log, 'event').mockImplementation(() => undefined);
    const res = answer(new Error('boom'), log);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ statusCode: 500, correlationId: expect.any(String) });
  });
});
