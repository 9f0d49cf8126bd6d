import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_KEY, ADMIN_ROLES, Access, AuthUser, PREMIUM_ROLES } from './roles';
import { TokenRefused, TokenVerifier } from './token-verifier';

/** `Authorization: Bearer <token>`: the first two words, the scheme in any case (as passport-jwt read it). */
const SCHEME_AND_VALUE = /(\S+)\s+(\S+)/;

interface AuthRequest {
  headers: { authorization?: string };
  user?: AuthUser;
}

/**
 * The one global guard: every route declares @Public() or a role set (see roles.ts); a route
 * that declares neither is refused, so a forgotten decorator fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenVerifier,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (access?.kind === 'public') return true;
    if (!access) throw new ForbiddenException('This route declares no access rule.');
    const req = ctx.switchToHttp().getRequest<AuthRequest>();
    const user = (req.user = this.authenticate(req.headers.authorization));
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

  private authenticate(header: string | undefined): AuthUser {
    const m = header === undefined ? null : SCHEME_AND_VALUE.exec(header);
    const token = m && m[1].toLowerCase() === 'bearer' ? m[2] : undefined;
    if (!token) throw new UnauthorizedException('Sign in: this route needs an Authorization: Bearer <token> header.');
    try {
      return this.tokens.verify(token);
    } catch (e) {
      if (!(e instanceof TokenRefused)) throw e;
      if (e.message === 'jwt expired') throw new UnauthorizedException('Your session token has expired: sign in again.');
      throw new UnauthorizedException(`The token was refused (${e.message}): sign in again.`);
    }
  }
}
