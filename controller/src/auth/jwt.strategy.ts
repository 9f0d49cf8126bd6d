import { Injectable, UnauthorizedException } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { AuthUser, ROLES, Role } from './roles';

interface TokenPayload {
  sub?: unknown;
  role?: unknown;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, made once: given a string, jsonwebtoken re-derives the key (first trying to
      // parse it as a PEM public key, and failing) on every request — ~0.5 ms of CPU each.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret)) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(payload: TokenPayload): AuthUser {
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 200) {
      throw new UnauthorizedException('The token has no usable subject (sub): sign in again.');
    }
    if (typeof payload.role !== 'string' || !ROLES.includes(payload.role as Role)) {
      throw new UnauthorizedException(`The token's role must be one of ${ROLES.join(', ')}: sign in again.`);
    }
    return { userId: payload.sub, role: payload.role as Role };
  }
}
