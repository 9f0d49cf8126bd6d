import { Injectable, UnauthorizedException } from '@nestjs/common';
import { KeyObject, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AuthUser, ROLES, Role } from './roles';

/** Verified tokens kept (the oldest goes first): far more than the users signed in at once. */
const MAX_VERIFIED = 10_000;

/** Why a token was refused, in jsonwebtoken's words (the 401's text quotes it). */
export class TokenRefused extends Error {}

/**
 * Checks a bearer token: HS256 only, signed with JWT_SECRET, not expired (`exp`) nor early
 * (`nbf`), with a usable `sub` and `role`. Done here with one HMAC rather than through passport's
 * strategy machinery and jsonwebtoken, which cost ~0.1 ms of CPU on every request; tokens are
 * still made by @nestjs/jwt (jsonwebtoken), and the spec checks that what it signs passes here.
 */
@Injectable()
export class TokenVerifier {
  private readonly key: KeyObject;
  /**
   * Tokens already verified, by their text: a client sends the same token on every request. Only
   * good ones are kept, with their time limits, which are checked again on every use.
   */
  private readonly verified = new Map<string, { user: AuthUser; nbf: number; exp: number }>();

  constructor(config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret));
  }

  /** The user the token names; throws TokenRefused (why) or UnauthorizedException (a bad claim). */
  verify(token: string, nowMs = Date.now()): AuthUser {
    const known = this.verified.get(token);
    if (known) {
      const now = Math.floor(nowMs / 1000);
      if (known.nbf > now) throw new TokenRefused('jwt not active');
      if (now >= known.exp) {
        this.verified.delete(token);
        throw new TokenRefused('jwt expired');
      }
      return known.user;
    }
    const user = this.check(token, nowMs);
    if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value as string);
    const payload = parseObject(token.split('.')[1]) as { nbf?: number; exp?: number };
    this.verified.set(token, { user, nbf: payload.nbf ?? -Infinity, exp: payload.exp ?? Infinity });
    return user;
  }

  private check(token: string, nowMs: number): AuthUser {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenRefused('jwt malformed');
    const [head, body, signature] = parts;
    const header = parseObject(head);
    if (!header) throw new TokenRefused('invalid token');
    if (!signature) throw new TokenRefused('jwt signature is required');
    if (header.alg !== 'HS256') throw new TokenRefused('invalid algorithm');
    const expected = Buffer.from(createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenRefused('invalid signature');
    const payload = parseObject(body);
    if (!payload) throw new TokenRefused('invalid token');
    const now = Math.floor(nowMs / 1000);
    if (payload.nbf !== undefined) {
      if (typeof payload.nbf !== 'number') throw new TokenRefused('invalid nbf value');
      if (payload.nbf > now) throw new TokenRefused('jwt not active');
    }
    if (payload.exp !== undefined) {
      if (typeof payload.exp !== 'number') throw new TokenRefused('invalid exp value');
      if (now >= payload.exp) throw new TokenRefused('jwt expired');
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 200) {
      throw new UnauthorizedException('The token has no usable subject (sub): sign in again.');
    }
    if (typeof payload.role !== 'string' || !ROLES.includes(payload.role as Role)) {
      throw new UnauthorizedException(`The token's role must be one of ${ROLES.join(', ')}: sign in again.`);
    }
    return { userId: payload.sub, role: payload.role as Role };
  }
}

/** A base64url JSON object, or undefined when it is anything else. */
function parseObject(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
