import { JsonLogger, LogLevel } from './json-logger';
import { runInRequest } from './request-context';

function capture(level: LogLevel = 'info') {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sut = new JsonLogger(level, {
    write: (s: string) => {
      raw.push(s);
      lines.push(JSON.parse(s) as Record<string, unknown>);
    },
  });
  return { sut, lines, raw };
}

describe(JsonLogger.name, () => {
  it('writes one JSON line with level, ISO time, context, msg and the fields', () => {
    const { sut, lines, raw } = capture();
    sut.event('info', 'fleet', 'recovered', { sandboxes: 2, user: 'alice', container: 'pgsbx-u-alice' });
    expect(raw[0]).toMatch(/\n$/);
    expect(raw[0]).toContain('"msg":"recovered"');
    expect(lines[0]).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      context: 'fleet',
      msg: 'recovered',
      sandboxes: 2,
      user: 'alice',
      container: 'pgsbx-u-alice',
    });
  });

  it('drops lines below LOG_LEVEL and keeps the level names', () => {
    const { sut, lines } = capture('warn');
    sut.event('debug', 'x', 'a');
    sut.event('info', 'x', 'b');
    sut.event('warn', 'x', 'c');
    sut.event('error', 'x', 'd');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'c'],
      ['error', 'd'],
    ]);
    expect(sut.isEnabled('info')).toBe(false);
  });

  it('writes debug lines at LOG_LEVEL=debug, and fatal ones at any level', () => {
    const { sut, lines } = capture('debug');
    sut.verbose('nest says', 'RoutesResolver');
    expect(lines[0]).toMatchObject({ level: 'debug', context: 'RoutesResolver', msg: 'nest says' });
    const quiet = capture('error');
    quiet.sut.event('fatal', 'app', 'crashed');
    expect(quiet.lines[0]).toMatchObject({ level: 'fatal', msg: 'crashed' });
  });

  it('keeps the Nest LoggerService shape: context defaults to app, error carries the trace', () => {
    const { sut, lines } = capture();
    sut.log('Nest application successfully started', 'NestApplication');
    sut.error('boom', 'Error: boom\n    at x', 'ExceptionHandler');
    sut.warn('careful');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', context: 'NestApplication', msg: 'Nest application successfully started' }),
      expect.objectContaining({ level: 'error', context: 'ExceptionHandler', msg: 'boom', trace: 'Error: boom\n    at x' }),
      expect.objectContaining({ level: 'warn', context: 'app', msg: 'careful' }),
    ]);
  });

  it('puts the request id on every line written while a request is handled, and only then', async () => {
    const { sut, lines } = capture();
    await runInRequest({ requestId: 'req-1' }, async () => {
      sut.event('info', 'fleet', 'sandbox ready');
      await new Promise((r) => setTimeout(r, 1));
      sut.event('info', 'fleet', 'after a timer');
    });
    sut.event('info', 'fleet', 'outside');
    expect(lines.map((l) => l.requestId)).toEqual(['req-1', 'req-1', undefined]);
  });

  it('redacts tokens in fields and JWTs in messages', () => {
    const { sut, raw } = capture();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    sut.event('warn', 'auth', `rejected ${jwt}`, {
      headers: { authorization: `Bearer ${jwt}` },
      token: 'opaque',
      error: `bad Bearer ${jwt}`,
    });
    expect(raw.join('')).not.toMatch(/eyJ|opaque/);
    expect(JSON.parse(raw[0])).toMatchObject({
      msg: 'rejected [redacted]',
      headers: { authorization: '[redacted]' },
      token: '[redacted]',
      error: 'bad Bearer [redacted]',
    });
  });
});
