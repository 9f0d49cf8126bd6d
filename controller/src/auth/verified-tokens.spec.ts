import { VerifiedTokens } from './verified-tokens';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (claims: object) => `${b64({ alg: 'HS256' })}.${b64(claims)}.sig`;

describe(VerifiedTokens.name, () => {
  const now = Date.UTC(2026, 0, 1);
  const nowS = now / 1000;
  const user = { userId: 'alice', role: 'pro' as const };

  it('knows only tokens it was told of, and gives back their user', () => {
    const sut = new VerifiedTokens();
    const t = token({ sub: 'alice', exp: nowS + 60 });
    expect(sut.lookup(t, now)).toBeUndefined();
    sut.remember(t, user);
    expect(sut.lookup(t, now)).toEqual(user);
    expect(sut.lookup(token({ sub: 'alice', exp: nowS + 61 }), now)).toBeUndefined();
  });

  it('checks the time limits again on every use: expired once past exp (and forgotten), unknown before nbf', () => {
    const sut = new VerifiedTokens();
    const t = token({ exp: nowS + 60 });
    sut.remember(t, user);
    expect(sut.lookup(t, now + 60_000)).toBe('expired');
    expect(sut.lookup(t, now)).toBeUndefined();
    const early = token({ nbf: nowS + 30 });
    sut.remember(early, user);
    expect(sut.lookup(early, now)).toBeUndefined();
    expect(sut.lookup(early, now + 30_000)).toEqual(user);
  });

  it('does not keep a token whose payload it cannot read', () => {
    const sut = new VerifiedTokens();
    sut.remember('a.%%%.c', user);
    expect(sut.lookup('a.%%%.c', now)).toBeUndefined();
  });
});
