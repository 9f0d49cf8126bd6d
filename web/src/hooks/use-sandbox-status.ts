import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { SandboxStatus } from '../api/types';

const POLL_MS = 5000;

/**
 * The session picker's names: 'main', then s2, s3, … up to the controller's per-user limit, less
 * the one the schema tree keeps (TREE_SESSION).
 */
export function sessionNames(status: SandboxStatus | null): string[] {
  const n = Math.max(1, (status?.limits?.maxSessions ?? 4) - 1);
  return ['main', ...Array.from({ length: n - 1 }, (_, i) => `s${i + 2}`)];
}

/**
 * The user's Real Postgres sandbox as the controller reports it (state, idle expiry, container).
 * Fetched when Real Postgres becomes active (`active`) and every 5 s while `poll`.
 */
export function useSandboxStatus(api: ApiClient, { active, poll }: { active: boolean; poll: boolean }) {
  const [status, setStatus] = useState<SandboxStatus | null>(null);

  const refresh = useCallback(async () => {
    if (!api.token) return;
    try {
      setStatus(await api.status());
    } catch {
      // the status bar keeps the last known state
    }
  }, [api]);

  useEffect(() => {
    if (active) void refresh();
  }, [active, refresh]);

  useEffect(() => {
    if (!poll) return;
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [poll, refresh]);

  const sessions = useMemo(() => sessionNames(status), [status]);
  return { status, setStatus, refresh, sessions };
}
