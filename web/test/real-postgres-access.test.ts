import { describe, expect, it } from 'vitest';
import type { Me } from '../src/api/types';
import { BackendError } from '../src/backends/backend';
import { accessLost, EXPIRED_TEXT, PREMIUM_TEXT, remoteRefusal, switchFailure } from '../src/hooks/real-postgres-access';

const pro: Me = { userId: 'ada', role: 'pro', premium: true };
const basic: Me = { userId: 'bob', role: 'user', premium: false };

describe('Real Postgres access', () => {
  it('names the premium roles', () => {
    expect(PREMIUM_TEXT).toBe('Real Postgres is a premium feature (roles: sponsor, pro, admin). PGlite stays available to everyone.');
  });

  it('keeps a remembered Real Postgres mode only for a premium user', () => {
    expect(remoteRefusal(pro)).toBeNull();
    expect(remoteRefusal(basic)).toBe(PREMIUM_TEXT);
    expect(remoteRefusal(null)).toBe('Sign in with a premium role to use Real Postgres; using PGlite.');
  });

  it("signs out on 401, falls back on 403 with the controller's reason, and ignores other failures", () => {
    expect(accessLost(new BackendError('Unauthorized', 401))).toEqual({ signOut: true, text: EXPIRED_TEXT });
    expect(accessLost(new BackendError('your role is "user"', 403))).toEqual({ signOut: false, text: 'your role is "user"' });
    expect(accessLost(new BackendError('', 403))).toEqual({ signOut: false, text: PREMIUM_TEXT });
    expect(accessLost(new BackendError('busy', 503))).toBeNull();
    expect(accessLost(new Error('syntax'))).toBeNull();
  });

  it('explains a failed switch', () => {
    expect(switchFailure(new BackendError('your role is "user"', 403))).toBe('your role is "user"');
    expect(switchFailure(new BackendError('', 403))).toBe(PREMIUM_TEXT);
    expect(switchFailure(new BackendError('The controller cannot be reached (fetch failed).'))).toBe(
      'Real Postgres is not available: The controller cannot be reached (fetch failed).',
    );
  });
});
