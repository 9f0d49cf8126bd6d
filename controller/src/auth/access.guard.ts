import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ACCESS_KEY, ADMIN_ROLES, Access, AuthUser, PREMIUM_ROLES } from './roles';
import { VerifiedTokens } from './verified-tokens';

/** `Authorization: Bearer <token>`: the scheme in any case, as passport-jwt reads it. */
const BEARER = /^\s*bearer\s+(\S+)/i;

interface AuthRequest {
  headers: { authorization?: string };
  user?: AuthUser;
}

/**
 * The one global guard: every route declares @Public() or a role set (see roles.ts); a route
 * that declares neither is refused, so a forgotten decorator fails closed. Tokens are checked by
 * passport's JWT strategy (jwt.strategy.ts); one it already accepted is looked up instead
 * (VerifiedTokens, with its time limits checked on every use).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly verified: VerifiedTokens,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (access?.kind === 'public') return true;
    if (!access) throw new ForbiddenException('This route declares no access rule.');
    const req = ctx.switchToHttp().getRequest<AuthRequest>();
    const user = await this.authenticate(ctx, req);
    if (access.roles.includes(user.role)) return true;
    if (access.roles.every((r) => ADMIN_ROLES.includes(r))) {
      throw new ForbiddenException('This route is for operators (role admin).');
    }
    if (access.roles.every((r) => PREMIUM_ROLES.includes(r))) {
      throw new ForbiddenException(
        `Real Postgres is a premium feature (roles sponsor, pro and admin); your role is "${user.role}". ` +
          'Your notebook keeps running on PGlite in the browser.',
      );
    }
    throw new ForbiddenException(`Role "${user.role}" may not use this route.`);
  }

  private async authenticate(ctx: ExecutionContext, req: AuthRequest): Promise<AuthUser> {
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    const known = token ? this.verified.lookup(token) : undefined;
    if (known === 'expired') throw new UnauthorizedException('Your session token has expired: sign in again.');
    if (known) return (req.user = known);
    await super.canActivate(ctx);
    const user = req.user as AuthUser;
    if (token) this.verified.remember(token, user);
    return user;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    // Whatever passport hands over is shown as the text String() makes of it, as before.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- err is unknown; String() is the intended fallback
    if (err) throw err instanceof UnauthorizedException ? err : new UnauthorizedException(String(err));
    if (!user) {
      const why = info instanceof Error ? info.message : 'missing token';
      const message =
        why === 'No auth token'
          ? 'Sign in: this route needs an Authorization: Bearer <token> header.'
          : why === 'jwt expired'
            ? 'Your session token has expired: sign in again.'
            : `The token was refused (${why}): sign in again.`;
      throw new UnauthorizedException(message);
    }
    return user;
  }
}
