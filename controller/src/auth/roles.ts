import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ADMIN_ROLES, PREMIUM_ROLES, ROLES, Role } from '@pgsbx/contract';

// The roles themselves are the API contract's; the notebook's login offers the same list.
export { ADMIN_ROLES, PREMIUM_ROLES, ROLES, type Role };

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
