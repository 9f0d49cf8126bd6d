import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthUser } from '../auth/roles';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-user token buckets (per address before sign-in): RATE_LIMIT_PER_MINUTE sustained, bursts of
 * a sixth of that. Runs after the access guard, so it knows the user. 429 with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private calls = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.perMs = config.rateLimitPerMinute / 60_000;
    this.burst = Math.max(10, Math.ceil(config.rateLimitPerMinute / 6));
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (this.config.rateLimitPerMinute === 0) return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    if (req.path === '/healthz' || req.path === '/metrics') return true;
    const key = req.user ? `u:${req.user.userId}` : `ip:${req.ip}`;
    const now = this.clock.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    this.buckets.set(key, b);
    if (++this.calls % 1000 === 0) this.prune(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
    ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `Too many requests: at most ${this.config.rateLimitPerMinute} a minute. Try again in ${retryAfter} s.`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 10 * 60_000) this.buckets.delete(k);
  }
}
