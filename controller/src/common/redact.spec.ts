import { REDACTED, redactFields, redactText } from './redact';

describe('redact', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

  it('leaves ordinary text and fields alone', () => {
    const s = 'sandbox ready in 120 ms';
    expect(redactText(s)).toBe(s);
    expect(redactText('missing bearer token')).toBe('missing bearer token');
    expect(redactFields({ user: 'alice', ms: 3, jwtSecret: 'from JWT_SECRET', nested: { a: [1, 'x'] } })).toEqual({
      user: 'alice',
      ms: 3,
      jwtSecret: 'from JWT_SECRET',
      nested: { a: [1, 'x'] },
    });
  });

  it('replaces JWTs and bearer credentials inside text', () => {
    expect(redactText(`token ${jwt} rejected`)).toBe(`token ${REDACTED} rejected`);
    expect(redactText('Authorization: Bearer abcdefghijklmnopqrstuvwxyz')).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('replaces values under secret names at any depth, and JWTs in nested strings and arrays', () => {
    expect(
      redactFields({
        Authorization: 'Basic dXNlcjpwYXNz',
        accessToken: 'x',
        req: { headers: { cookie: 'sid=1', 'x-other': jwt } },
        list: [`a ${jwt}`],
        token: undefined,
      }),
    ).toEqual({
      Authorization: REDACTED,
      accessToken: REDACTED,
      req: { headers: { cookie: REDACTED, 'x-other': REDACTED } },
      list: [`a ${REDACTED}`],
      token: undefined,
    });
  });
});
