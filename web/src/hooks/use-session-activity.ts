import { useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { SandboxActivity } from '../api/types';
import type { CellRun } from '../notebook/Cell';

/** A statement running longer than this may be waiting: from then on the notebook asks who holds what. */
export const LOCK_POLL_AFTER_MS = 1000;
const POLL_EVERY_MS = 1000;

/**
 * The Real Postgres sessions' activity (GET /api/sandbox/activity): asked once after each Real
 * Postgres run ends (so the session picker knows who is in a transaction), and every second
 * while a cell has been running for more than a second (so a cell can say whose lock it waits
 * for). Nothing is asked in PGlite mode or while nothing runs long.
 */
export function useSessionActivity(api: ApiClient, runs: Record<string, CellRun>, enabled: boolean) {
  const [activity, setActivity] = useState<SandboxActivity | null>(null);
  const running = useMemo(
    () =>
      Object.values(runs)
        .filter((r) => r.backend === 'remote' && r.status === 'running')
        .map((r) => r.startedAt ?? performance.now()),
    [runs],
  );
  const earliest = running.length ? Math.min(...running) : null;
  const finished = useMemo(
    () => Object.values(runs).reduce((n, r) => (r.backend === 'remote' && r.status === 'done' ? Math.max(n, r.seq) : n), 0),
    [runs],
  );
  const latest = useRef(0);

  const ask = useRef(async () => {
    const mine = ++latest.current;
    try {
      const a = await api.activity();
      if (mine === latest.current) setActivity(a);
    } catch {
      // best effort: the cell still says "running…", and the next poll tries again
    }
  });

  useEffect(() => {
    if (!enabled) setActivity(null);
  }, [enabled]);

  useEffect(() => {
    if (enabled && finished > 0) void ask.current();
  }, [enabled, finished]);

  useEffect(() => {
    if (!enabled || earliest === null) return;
    let interval: ReturnType<typeof setInterval> | undefined;
    const start = setTimeout(
      () => {
        void ask.current();
        interval = setInterval(() => void ask.current(), POLL_EVERY_MS);
      },
      Math.max(0, earliest + LOCK_POLL_AFTER_MS - performance.now()),
    );
    return () => {
      clearTimeout(start);
      clearInterval(interval);
    };
  }, [enabled, earliest]);

  return activity;
}

/** "waiting for a lock held by session main (pid 123)", or null when the session waits for no lock. */
export function lockWaitText(activity: SandboxActivity | null, session: string): string | null {
  const s = activity?.sessions.find((x) => x.name === session);
  if (!s?.waitingFor.length) return null;
  const holders = s.waitingFor.map((h) => (h.session ? `session ${h.session} (pid ${h.pid})` : `another connection (pid ${h.pid})`));
  return `waiting for a lock held by ${holders.join(', ')}`;
}
