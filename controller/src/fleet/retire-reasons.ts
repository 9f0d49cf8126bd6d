/** Why the fleet removed a sandbox (the `reason` of `sandbox removed` and of pgsbx_reaps_total). */
export type ReapReason =
  | 'idle'
  | 'lifetime'
  | 'evicted'
  | 'reset'
  | 'removed'
  | 'died'
  | 'admin'
  | 'unresponsive'
  | 'shutdown'
  | 'drain'
  /** A container that must not serve: older than its user's archive, or a restore into it failed. */
  | 'stale';

/** What a statement cut short by a retirement is told ("the sandbox …"). */
export const RETIRED_BECAUSE: Record<ReapReason, string> = {
  idle: 'was removed after being idle',
  lifetime: 'was replaced at the end of its lifetime',
  evicted: 'was removed to make room for another user',
  reset: 'was reset',
  removed: 'was removed by an operator',
  died: 'stopped',
  admin: 'was removed by an operator',
  unresponsive: 'did not respond and was replaced',
  shutdown: 'was saved and stopped because the controller is shutting down',
  drain: 'was saved and stopped by an operator (drain)',
  stale: 'was replaced by your saved database',
};

/** Why a sandbox died, as the end of "the sandbox …" (`cause`: oom, unresponsive, unstoppable, or the engine's exit reason). */
export function diedBecause(cause: string, memoryBytes: number, detail?: string): string {
  return cause === 'oom'
    ? `ran out of memory at its limit of ${Math.round(memoryBytes / 1024 / 1024)} MB`
    : cause === 'unresponsive'
      ? 'did not respond (paused or stuck)'
      : cause === 'unstoppable'
        ? `refused the controller's connection to stop a statement${detail ? ` (${detail})` : ''}`
        : `stopped (${cause})`;
}
