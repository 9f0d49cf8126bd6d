import type { Role } from './roles';

/** GET /api/auth/config: what the login form may offer. */
export interface AuthConfig {
  devLogin: boolean;
}

/** POST /api/auth/dev-login (only where dev login is on). */
export interface DevLoginRequest {
  userId: string;
  role: Role;
}

export interface TokenResponse {
  token: string;
}

/** GET /api/auth/me. */
export interface WhoAmI {
  userId: string;
  role: Role;
  premium: boolean;
}
