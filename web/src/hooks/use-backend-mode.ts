import { useCallback } from 'react';
import { loadMode, loadSession, saveMode, saveSession, type Mode } from '../notebook/store';
import { useCurrentState } from './use-current-state';

/** Where SQL runs: the backend, and the session on it (PGlite has only 'main'). */
export interface Target {
  mode: Mode;
  session: string;
}

/** The chosen backend (PGlite or Real Postgres) and Real Postgres session, remembered in localStorage. */
export function useBackendMode() {
  const [mode, setModeState, currentMode] = useCurrentState<Mode>(loadMode);
  const [session, setSessionState, currentSession] = useCurrentState(loadSession);

  const setMode = useCallback(
    (m: Mode) => {
      setModeState(m);
      saveMode(m);
    },
    [setModeState],
  );
  const setSession = useCallback(
    (s: string) => {
      setSessionState(s);
      saveSession(s);
    },
    [setSessionState],
  );

  /** The target as it is now (work started right after a switch goes to the new one). */
  const target = useCallback((): Target => {
    const m = currentMode();
    return { mode: m, session: m === 'remote' ? currentSession() : 'main' };
  }, [currentMode, currentSession]);

  return { mode, session, setMode, setSession, currentMode, target };
}
