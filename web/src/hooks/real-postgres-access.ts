import type { Me } from '../api/types';
import { PREMIUM_ROLES } from '../api/types';
import { BackendError } from '../backends/backend';
import { errorText } from './status-message';

// Who may use Real Postgres, and what the user is told when they may not. Pure: the hook acts on it.

export const PREMIUM_TEXT = `Real Postgres is a premium feature (roles: ${PREMIUM_ROLES.join(', ')}). PGlite stays available to everyone.`;
export const SIGN_IN_FIRST_TEXT = `${PREMIUM_TEXT} Sign in first.`;
export const EXPIRED_TEXT = 'Your sign-in expired; switched to PGlite. Sign in again for Real Postgres.';

/** Why a remembered Real Postgres mode cannot stay (null: it can). */
export function remoteRefusal(me: Me | null): string | null {
  if (me?.premium) return null;
  return me ? PREMIUM_TEXT : 'Sign in with a premium role to use Real Postgres; using PGlite.';
}

/** What a failed call means for access: 401 the sign-in is gone, 403 the role is not premium; anything else, nothing. */
export function accessLost(e: unknown): { signOut: boolean; text: string } | null {
  if (!(e instanceof BackendError)) return null;
  if (e.status === 401) return { signOut: true, text: EXPIRED_TEXT };
  if (e.status === 403) return { signOut: false, text: e.message || PREMIUM_TEXT };
  return null;
}

/** The message when switching to Real Postgres failed. */
export function switchFailure(e: unknown): string {
  return e instanceof BackendError && e.status === 403 ? e.message || PREMIUM_TEXT : `Real Postgres is not available: ${errorText(e)}`;
}
