import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Me, Role } from '../api/types';
import { BackendError } from '../backends/backend';
import type { Notify } from './status-message';

/** Who is signed in, and whether the controller offers dev login. The token itself lives in the ApiClient. */
export function useAuth(api: ApiClient, notify: Notify) {
  const [me, setMe] = useState<Me | null>(null);
  /** The remembered token has been checked (until then, a remembered Real Postgres mode waits). */
  const [authChecked, setAuthChecked] = useState(false);
  const [devLogin, setDevLogin] = useState<boolean | null>(null);

  useEffect(() => {
    let live = true;
    // Not awaited (an effect cannot be async); every failure in it is handled inside.
    void (async () => {
      api.authConfig().then(
        (c) => live && setDevLogin(c.devLogin),
        () => live && setDevLogin(false),
      );
      if (api.token) {
        try {
          const m = await api.me();
          if (live) setMe(m);
        } catch (e) {
          if (e instanceof BackendError && e.status === 401) api.token = null;
        }
      }
      if (live) setAuthChecked(true);
    })();
    return () => {
      live = false;
    };
  }, [api]);

  const login = useCallback(
    async (userId: string, role: Role) => {
      await api.devLogin(userId, role);
      setMe(await api.me());
      notify(null);
    },
    [api, notify],
  );

  const signInWithToken = useCallback(
    async (token: string) => {
      api.token = token;
      try {
        setMe(await api.me());
      } catch (e) {
        api.token = null;
        throw e;
      }
    },
    [api],
  );

  /** Drops the token and the user: sign-out, or a token the controller no longer accepts. */
  const forget = useCallback(() => {
    api.token = null;
    setMe(null);
  }, [api]);

  return { me, authChecked, devLogin, login, signInWithToken, forget };
}
