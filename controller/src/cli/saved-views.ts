import type { CheckpointList, HibernatedView, SandboxDetail, SandboxView, StorageReport } from '@pgsbx/contract';
import { formatAge, formatBytes, formatMs, formatPercent, plural, table } from './format';
import { terminalSafe } from './terminal-text';
import { SANDBOX_COLUMNS, sandboxCells } from './views';

/** The mark beside a user whose last hibernate or wake failed (a damaged archive, say): see the footnote. */
export const ERROR_MARK = '!';

/** One line of `ls --all`: a running sandbox, or a hibernated user (no container, a saved database). */
export type FleetRow = { kind: 'running'; sb: SandboxView } | { kind: 'hibernated'; h: HibernatedView };

export function rowUser(r: FleetRow): string {
  return r.kind === 'running' ? (r.sb.user ?? r.sb.container) : r.h.user;
}

/** Idle time on the controller's clock for a sandbox; on the CLI's clock for a hibernated user. */
export function rowIdleMs(r: FleetRow, now: number): number {
  return r.kind === 'running' ? r.sb.idleMs : now - Date.parse(r.h.lastUsedAt);
}

/** `ls --all`: the running sandboxes' table with hibernated users in it, plus when each was saved and its size. */
export function fleetTable(rows: FleetRow[], now: number): string {
  const body = table(
    [...SANDBOX_COLUMNS, { header: 'SAVED', align: 'right' }, { header: 'SIZE', align: 'right' }],
    rows.map((r) => {
      if (r.kind === 'running') return [...sandboxCells(r.sb), '-', '-'];
      const h = r.h;
      const state = h.lastError ? `hibernated${ERROR_MARK}` : 'hibernated';
      const since = `${formatAge(now - Date.parse(h.savedAt))} ago`;
      return [h.user, '-', state, '-', formatAge(rowIdleMs(r, now)), '-', '-', '-', since, formatBytes(h.bytes)];
    }),
  );
  return body + errorNotes(rows.flatMap((r) => (r.kind === 'hibernated' && r.h.lastError ? [[r.h.user, r.h.lastError]] : [])));
}

/** Operators must see a damaged archive: each user's last failure, under the table. */
function errorNotes(errors: string[][]): string {
  if (!errors.length) return '';
  return `\n${errors.map(([user, error]) => `${ERROR_MARK} ${user}: ${terminalSafe(error.replace(/\s*\n\s*/g, ' ').trim())}`).join('\n')}\n`;
}

export function storageView(s: StorageReport): string {
  const rows = [...s.users].sort((a, b) => b.bytes - a.bytes || a.user.localeCompare(b.user));
  const limit = s.limitPerUserBytes;
  const total =
    `total  ${formatBytes(s.totalBytes)} for ${plural(rows.length, 'user')} ` +
    `(at most ${formatBytes(limit)} per user: SANDBOX_ARCHIVE_MAX)\n`;
  if (!rows.length) return `No saved databases.\n${total}`;
  const body = table(
    [
      'USER',
      { header: 'SIZE', align: 'right' },
      { header: 'OF LIMIT', align: 'right' },
      { header: 'ARCHIVES', align: 'right' },
      { header: 'CHECKPOINTS', align: 'right' },
      'STATE',
    ],
    rows.map((u) => [
      u.user,
      formatBytes(u.bytes),
      limit > 0 ? formatPercent((100 * u.bytes) / limit) : '-',
      String(u.archives),
      String(u.checkpoints),
      `${u.hibernated ? 'hibernated' : 'awake'}${u.lastError ? ERROR_MARK : ''}`,
    ]),
  );
  return body + errorNotes(rows.flatMap((u) => (u.lastError ? [[u.user, u.lastError]] : []))) + total;
}

export function checkpointsView(user: string, list: CheckpointList, now: number): string {
  const count = `${user} has ${plural(list.checkpoints.length, 'checkpoint')} (at most ${list.max}).\n`;
  if (!list.checkpoints.length) return count;
  return (
    table(
      ['NAME', 'SAVED', { header: 'AGE', align: 'right' }, { header: 'SIZE', align: 'right' }],
      list.checkpoints.map((c) => [c.name, c.savedAt, formatAge(now - Date.parse(c.savedAt)), formatBytes(c.bytes)]),
    ) + count
  );
}

export function wakeLine(user: string, d: SandboxDetail): string {
  const where = `container ${d.containerId} (${d.container})`;
  const r = d.status.restored;
  if (!r) return `${user}'s sandbox is running (nothing to restore): ${where}, ${d.state}.`;
  return `Woke ${user}: restored the database saved at ${r.savedAt} (${formatBytes(r.bytes)}) in ${formatMs(r.ms)}; ${where}.`;
}
