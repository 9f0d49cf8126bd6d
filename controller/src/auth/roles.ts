import { SetMetadata, applyDecorators } from '@nestjs/common';

export const ROLES = ['user', 'sponsor', 'pro', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const PREMIUM_ROLES: readonly Role[] = ['sponsor', 'pro', 'admin'];
export const ADMIN_ROLES: readonly Role[] = ['admin'];

export interface AuthUser {
  userId: string;
  role: Role;
}

export const ACCESS_KEY = 'pgsbx:access';
export type Access = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

/** Anyone may call it, token or not. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access);
/** A valid token whose role is one of these. */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ACCESS_KEY, { kind: 'roles', roles } satisfies Access));
/** Any signed-in user. */
export const SignedIn = () => Roles(...ROLES);
export const Premium = () => Roles(...PREMIUM_ROLES);
export const Admin = () => Roles(...ADMIN_ROLES);
