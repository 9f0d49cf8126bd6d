import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Backend } from '../backends/backend';
import { PgliteBackend, type PgliteStart } from '../backends/pglite-backend';
import { RemoteBackend } from '../backends/remote-backend';
import type { Mode } from '../notebook/store';
import { parseRestored, restoredMessage } from './saved-text';
import type { Notify } from './status-message';

/**
 * The two places SQL runs. PGlite is created on first use (it starts with the page when it is the
 * active backend, so the first run is quick); Real Postgres refreshes the sandbox status after each call.
 */
export function useBackends(
  api: ApiClient,
  { mode, onRemoteActivity, notify }: { mode: Mode; onRemoteActivity: () => void | Promise<void>; notify: Notify },
) {
  const pgliteRef = useRef<PgliteBackend | null>(null);
  const [pgliteStart, setPgliteStart] = useState<PgliteStart | null>(null);

  /** The status bar shows "starting" until this start (first, or after a cancel or reset) is done. */
  const watchStart = useCallback(
    (b: PgliteBackend) => {
      setPgliteStart(null);
      b.ready.then(
        (st) => pgliteRef.current === b && setPgliteStart(st),
        (e: Error) => notify({ kind: 'error', text: e.message }),
      );
    },
    [notify],
  );

  const pglite = useCallback((): PgliteBackend => {
    if (!pgliteRef.current) {
      const b = new PgliteBackend();
      pgliteRef.current = b;
      watchStart(b);
    }
    return pgliteRef.current;
  }, [watchStart]);

  /** PGlite restarted its database (cancel, reset): wait for the new start. */
  const pgliteRestarted = useCallback(() => {
    if (pgliteRef.current) watchStart(pgliteRef.current);
  }, [watchStart]);

  const onRestored = useCallback(
    (header: string) => {
      const r = parseRestored(header);
      if (r) notify({ kind: 'info', text: restoredMessage(r, Date.now()) });
    },
    [notify],
  );
  const remote = useMemo(() => new RemoteBackend(api, onRemoteActivity, onRestored), [api, onRemoteActivity, onRestored]);
  const backendFor = useCallback((m: Mode): Backend => (m === 'remote' ? remote : pglite()), [remote, pglite]);

  useEffect(() => {
    if (mode === 'pglite') pglite();
  }, [mode, pglite]);

  return { backendFor, pgliteStart, pgliteRestarted };
}
