import { useCallback, useState } from 'react';
import type { Backend } from '../backends/backend';
import type { Mode } from '../notebook/store';
import { errorText, type Notify } from './status-message';

interface Deps {
  currentMode: () => Mode;
  backendFor: (m: Mode) => Backend;
  pgliteRestarted: () => void;
  clearTree: () => void;
  refreshTree: () => Promise<void>;
  refreshStatus: () => Promise<void>;
  handleAuthFailure: (e: unknown) => void;
  notify: Notify;
}

/** "Reset database": a fresh, empty database on the active backend (a new container on Real Postgres). */
export function useDatabaseReset({
  currentMode,
  backendFor,
  pgliteRestarted,
  clearTree,
  refreshTree,
  refreshStatus,
  handleAuthFailure,
  notify,
}: Deps) {
  const [resetting, setResetting] = useState(false);

  const reset = useCallback(async () => {
    const m = currentMode();
    setResetting(true);
    try {
      await backendFor(m).reset();
      if (m === 'pglite') pgliteRestarted();
      clearTree();
      notify({
        kind: 'info',
        text: m === 'remote' ? 'Reset: you now have a fresh Postgres container.' : 'Reset: PGlite restarted with an empty database.',
      });
      await refreshTree();
      if (m === 'remote') await refreshStatus();
    } catch (e) {
      notify({ kind: 'error', text: `Reset failed: ${errorText(e)}` });
      handleAuthFailure(e);
    } finally {
      setResetting(false);
    }
  }, [currentMode, backendFor, pgliteRestarted, clearTree, refreshTree, refreshStatus, handleAuthFailure, notify]);

  return { resetting, reset };
}
