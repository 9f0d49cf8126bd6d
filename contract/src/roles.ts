/** Who may do what: a token carries one of these; the controller's guards and the notebook's login read them here. */
export const ROLES = ['user', 'sponsor', 'pro', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that get a real Postgres sandbox; everyone else keeps the in-browser PGlite. */
export const PREMIUM_ROLES: readonly Role[] = ['sponsor', 'pro', 'admin'];
/** Roles that may call the operators' API (`/api/admin`, sandboxctl). */
export const ADMIN_ROLES: readonly Role[] = ['admin'];
