import type { WakeReport } from '../domain/sandbox';

/** What the user is told, once, after their saved database came back (a NOTICE on the first result). */
export function restoredNotice(r: WakeReport): string {
  const what = r.name ? `checkpoint "${r.name}"` : 'your database';
  return `Restored ${what} as saved at ${r.savedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC (${size(r.bytes)}) in ${Math.round(r.ms)} ms.`;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
