import { JwtService } from '@nestjs/jwt';
import { UnauthorizedException } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { TokenRefused, TokenVerifier } from './token-verifier';

const SECRET = 'k'.repeat(40);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(payload: unknown, opts: { secret?: string; header?: object } = {}): string {
  const { secret = SECRET, header = { alg: 'HS256', typ: 'JWT' } } = opts;
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe(TokenVerifier.name, () => {
  const sut = new TokenVerifier({ jwtSecret: SECRET } as AppConfig);
  const now = Date.UTC(2026, 0, 1);
  const nowS = now / 1000;

  it('accepts what @nestjs/jwt (jsonwebtoken) signs with the same secret, and reads its user', async () => {
    const jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', expiresIn: 3600 } });
    const token = await jwt.signAsync({ sub: 'alice', role: 'pro' });
    expect(sut.verify(token)).toEqual({ userId: 'alice', role: 'pro' });
  });

  it.each([
    ['a wrong key', sign({ sub: 'm', role: 'admin' }, { secret: 'x'.repeat(40) }), 'invalid signature'],
    ['alg none', `${b64({ alg: 'none' })}.${b64({ sub: 'm', role: 'admin' })}.`, 'jwt signature is required'],
    ['alg HS512', sign({ sub: 'm', role: 'admin' }, { header: { alg: 'HS512' } }), 'invalid algorithm'],
    [
      'a tampered payload',
      sign({ sub: 'm', role: 'user' }).replace(/\.[^.]+\./, `.${b64({ sub: 'm', role: 'admin' })}.`),
      'invalid signature',
    ],
    ['expired', sign({ sub: 'm', role: 'pro', exp: nowS }), 'jwt expired'],
    ['not yet valid', sign({ sub: 'm', role: 'pro', nbf: nowS + 60 }), 'jwt not active'],
    ['a string exp', sign({ sub: 'm', role: 'pro', exp: String(nowS + 60) }), 'invalid exp value'],
    ['two parts', 'a.b', 'jwt malformed'],
    ['garbage', 'not.a.jwt', 'invalid token'],
    ['a payload that is not an object', sign([1, 2]), 'invalid token'],
  ])('refuses %s', (_what, token, why) => {
    expect(() => sut.verify(token, now)).toThrow(new TokenRefused(why));
  });

  it('takes a token until the second it expires', () => {
    expect(sut.verify(sign({ sub: 'm', role: 'pro', exp: nowS + 1, nbf: nowS }), now)).toEqual({ userId: 'm', role: 'pro' });
  });

  it('still refuses a verified token once it expires, and one not yet valid until it is', () => {
    const sut = new TokenVerifier({ jwtSecret: SECRET } as AppConfig);
    const token = sign({ sub: 'm', role: 'pro', nbf: nowS, exp: nowS + 10 });
    expect(sut.verify(token, now)).toEqual({ userId: 'm', role: 'pro' });
    expect(sut.verify(token, now + 9_000)).toEqual({ userId: 'm', role: 'pro' });
    expect(() => sut.verify(token, now - 1_000)).toThrow(new TokenRefused('jwt not active'));
    expect(() => sut.verify(token, now + 10_000)).toThrow(new TokenRefused('jwt expired'));
    expect(() => sut.verify(token, now + 10_000)).toThrow(new TokenRefused('jwt expired'));
  });

  it.each([
    ['no sub', { role: 'pro' }, /subject/],
    ['an empty sub', { sub: '', role: 'pro' }, /subject/],
    ['a sub over 200 characters', { sub: 'x'.repeat(201), role: 'pro' }, /subject/],
    ['an unknown role', { sub: 'm', role: 'root' }, /role must be one of user, sponsor, pro, admin/],
  ])('refuses a signed token with %s', (_what, payload, message) => {
    expect(() => sut.verify(sign(payload), now)).toThrow(UnauthorizedException);
    expect(() => sut.verify(sign(payload), now)).toThrow(message);
  });
});
