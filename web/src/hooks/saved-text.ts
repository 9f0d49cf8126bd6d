/** How the notebook words saved databases (hibernation, checkpoints): sizes, times, the restored message. */

/** Binary units with one decimal: `512 B`, `3.4 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** `just now`, `4 min ago`, `3 h ago`, `2 days ago`: when a database was saved. */
export function formatAgo(iso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

/** Seconds with one decimal while a restore runs: `0.4 s`, `12.0 s`. */
export function formatElapsed(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** The `X-Sandbox-Restored` header of an exec: `412ms; saved=2026-01-01T11:00:00.000Z`. */
export interface Restored {
  ms: number;
  savedAt: string;
}

export function parseRestored(header: string | undefined | null): Restored | null {
  const m = header ? /^(\d+(?:\.\d+)?)ms; saved=(\S+)$/.exec(header.trim()) : null;
  if (!m || Number.isNaN(Date.parse(m[2]))) return null;
  return { ms: Number(m[1]), savedAt: m[2] };
}

/** The status bar's line after a run that woke the user's saved database. */
export function restoredMessage(r: Restored, now: number): string {
  return `Restored your database (saved ${formatAgo(r.savedAt, now)}) in ${Math.round(r.ms)} ms.`;
}
