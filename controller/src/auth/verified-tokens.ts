import { Injectable } from '@nestjs/common';
import type { AuthUser } from './roles';

/** Verified tokens kept (the oldest goes first): far more than the users signed in at once. */
const MAX_VERIFIED = 10_000;

interface Entry {
  user: AuthUser;
  nbf: number;
  exp: number;
}

/**
 * Tokens passport's JWT strategy has already verified, by their text: a client sends the same
 * token on every request, and passport + jsonwebtoken cost ~0.1 ms of CPU each time (the exec
 * hot path's largest item, docs/PERFORMANCE.md). Only tokens that passed are kept, with their
 * time limits, which are checked again on every use; anything else goes through passport.
 */
@Injectable()
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  /** The user of a verified token still in its time window; 'expired' once past `exp`; else undefined. */
  lookup(token: string, nowMs = Date.now()): AuthUser | 'expired' | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    const now = Math.floor(nowMs / 1000);
    if (now >= e.exp) {
      this.entries.delete(token);
      return 'expired';
    }
    return e.nbf > now ? undefined : e.user;
  }

  /** Called with a token passport just accepted and the user it named. */
  remember(token: string, user: AuthUser): void {
    const claims = decodeClaims(token);
    if (!claims) return;
    if (this.entries.size >= MAX_VERIFIED) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { user, nbf: claims.nbf ?? -Infinity, exp: claims.exp ?? Infinity });
  }
}

function decodeClaims(token: string): { nbf?: number; exp?: number } | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    return { nbf: num(payload.nbf), exp: num(payload.exp) };
  } catch {
    return undefined;
  }
}
