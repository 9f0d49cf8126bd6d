import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Me, SandboxStatus } from '../api/types';
import type { Mode } from '../notebook/store';
import { accessLost, PREMIUM_TEXT, remoteRefusal, SIGN_IN_FIRST_TEXT, switchFailure } from './real-postgres-access';
import type { Notify } from './status-message';

interface Deps {
  api: ApiClient;
  me: Me | null;
  authChecked: boolean;
  /** Drops the token and the user. */
  forget: () => void;
  mode: Mode;
  currentMode: () => Mode;
  setMode: (m: Mode) => void;
  setStatus: (s: SandboxStatus | null) => void;
  /** Real Postgres was just chosen: claim the sandbox now, so the first Run does not wait for it. */
  onRemoteChosen?: () => void;
  notify: Notify;
}

/**
 * Moving between PGlite and Real Postgres: the user's switch (checked with the controller), the
 * fall-back to PGlite when access is missing or lost, and signing out.
 */
export function useModeSwitch({ api, me, authChecked, forget, mode, currentMode, setMode, setStatus, onRemoteChosen, notify }: Deps) {
  const [switching, setSwitching] = useState(false);

  // A remembered Real Postgres mode needs a premium user; otherwise fall back to PGlite.
  useEffect(() => {
    if (!authChecked || mode !== 'remote') return;
    const refusal = remoteRefusal(me);
    if (refusal) {
      setMode('pglite');
      notify({ kind: 'info', text: refusal });
    }
  }, [authChecked, me, mode, setMode, notify]);

  /** A call failed: on 401 or 403 the user is back on PGlite, told why. */
  const handleAuthFailure = useCallback(
    (e: unknown) => {
      const lost = accessLost(e);
      if (!lost) return;
      if (lost.signOut) forget();
      setMode('pglite');
      notify({ kind: 'error', text: lost.text });
    },
    [forget, setMode, notify],
  );

  const chooseMode = useCallback(
    async (m: Mode) => {
      if (m === currentMode()) return;
      if (m === 'pglite') {
        setMode('pglite');
        notify(null);
        return;
      }
      if (!api.token || !me) {
        notify({ kind: 'error', text: SIGN_IN_FIRST_TEXT });
        return;
      }
      setSwitching(true);
      try {
        const st = await api.status();
        if (!me.premium) {
          notify({ kind: 'error', text: PREMIUM_TEXT });
          return;
        }
        setStatus(st);
        setMode('remote');
        onRemoteChosen?.();
        notify(null);
      } catch (e) {
        notify({ kind: 'error', text: switchFailure(e) });
      } finally {
        setSwitching(false);
      }
    },
    [api, me, currentMode, setMode, setStatus, onRemoteChosen, notify],
  );

  const signOut = useCallback(() => {
    forget();
    setStatus(null);
    if (currentMode() === 'remote') setMode('pglite');
  }, [forget, setStatus, currentMode, setMode]);

  return { switching, chooseMode, handleAuthFailure, signOut };
}
