import { useEffect } from 'react';
import type { ApiClient } from '../api/client';
import type { SandboxStatus } from '../api/types';

/** A run that answers within this needs no progress; after it, the status bar may say "restoring…". */
const SHOW_AFTER_MS = 300;
const POLL_MS = 400;

/**
 * While a Real Postgres run is pending for more than 300 ms, polls GET /api/sandbox so the status
 * bar can show a wake ("restoring your database…", elapsed, the archive's size). Stops once the
 * sandbox is ready or busy: from then on the run is executing, not waiting for a restore.
 */
export function useWakeWatch(api: ApiClient, pending: boolean, setStatus: (s: SandboxStatus) => void): void {
  useEffect(() => {
    if (!pending || !api.token) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      if (stopped) return;
      let state: SandboxStatus['state'] | undefined;
      try {
        const s = await api.status();
        if (stopped) return;
        setStatus(s);
        state = s.state;
      } catch {
        // the regular refresh after the run tells what happened
      }
      if (!stopped && state !== 'ready' && state !== 'busy') timer = setTimeout(() => void poll(), POLL_MS);
    };
    timer = setTimeout(() => void poll(), SHOW_AFTER_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, pending, setStatus]);
}
