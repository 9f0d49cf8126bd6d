import { formatDuration } from '../common/duration';
import type { FleetStats, Health, PoolStatus, ReapCandidate, SandboxDetail, SandboxView } from '@pgsbx/contract';
import { Column, formatAge, formatBytes, formatMs, formatPercent, keyValues, plural, table } from './format';

export const SORT_KEYS = ['user', 'idle', 'age', 'mem'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const STATES = ['ready', 'busy'] as const;

/** Time since the sandbox was claimed, on the controller's clock (lastUsedAt + idleMs = its now). */
export function ageMs(sb: Pick<SandboxView, 'createdAt' | 'lastUsedAt' | 'idleMs'>): number {
  return Date.parse(sb.lastUsedAt) + sb.idleMs - Date.parse(sb.createdAt);
}

/** user: A→Z; idle, age, mem: largest first (the ones an operator looks for). */
export function sortSandboxes(list: SandboxView[], key: SortKey): SandboxView[] {
  const byUser = (a: SandboxView, b: SandboxView) => (a.user ?? a.container).localeCompare(b.user ?? b.container);
  const desc = (f: (s: SandboxView) => number) => (a: SandboxView, b: SandboxView) => f(b) - f(a) || byUser(a, b);
  const cmp = {
    user: byUser,
    idle: desc((s) => s.idleMs),
    age: desc(ageMs),
    mem: desc((s) => s.memoryBytes ?? -1),
  }[key];
  return [...list].sort(cmp);
}

/** The columns of `ls`, and (with SAVED and SIZE after them) of `ls --all`. */
export const SANDBOX_COLUMNS: Column[] = [
  { header: 'USER' },
  { header: 'CONTAINER' },
  { header: 'STATE' },
  { header: 'AGE', align: 'right' },
  { header: 'IDLE', align: 'right' },
  { header: 'MEM', align: 'right' },
  { header: 'CPU', align: 'right' },
  { header: 'SESSIONS' },
];

export function sandboxCells(s: SandboxView): string[] {
  return [
    s.user ?? '-',
    s.containerId,
    s.state,
    formatAge(ageMs(s)),
    formatAge(s.idleMs),
    formatBytes(s.memoryBytes),
    formatPercent(s.cpuPercent),
    s.sessions.length ? s.sessions.join(',') : '-',
  ];
}

/** On a swarm, where each runs (a NODE column): the users a lost node took with it. */
export function sandboxTable(list: SandboxView[]): string {
  if (!list.some((s) => s.node)) return table(SANDBOX_COLUMNS, list.map(sandboxCells));
  return table(
    [...SANDBOX_COLUMNS, { header: 'NODE' }],
    list.map((s) => [...sandboxCells(s), s.node ?? '-']),
  );
}

export function inspectView(d: SandboxDetail): string {
  const l = d.status.limits;
  const expires = d.status.idleExpiresAt ? Date.parse(d.status.idleExpiresAt) - Date.parse(d.lastUsedAt) - d.idleMs : null;
  return keyValues([
    ['user', d.user ?? '-'],
    ['container', `${d.container} (${d.containerId})`],
    ['state', d.state],
    ['source', d.source],
    ['node', d.node ?? '-'],
    ['image', d.image || '-'],
    ['created', `${d.createdAt} (${formatAge(ageMs(d))} ago)`],
    ['last used', `${d.lastUsedAt} (idle ${formatAge(d.idleMs)})`],
    [
      'reaped if idle',
      expires === null ? '-' : expires > 0 ? `in ${formatAge(expires)} (at ${d.status.idleExpiresAt})` : 'at the next sweep',
    ],
    ['memory', `${formatBytes(d.memoryBytes)} of ${formatBytes(l.memoryBytes)}`],
    ['cpu', formatPercent(d.cpuPercent)],
    ['sessions', d.sessions.length ? d.sessions.join(', ') : '-'],
    [
      'limits',
      `statement ${formatDuration(l.statementTimeoutMs)}, ${l.maxRows} rows, ${plural(l.maxSessions, 'session')}, ` +
        `SQL ${formatBytes(l.maxSqlBytes)}, idle timeout ${formatAge(l.idleTimeoutMs)}`,
    ],
  ]);
}

export function poolLine(p: PoolStatus): string {
  return `${p.ready} ready, ${p.starting} starting, target ${p.target}${p.draining ? ', DRAINING (no new sandboxes)' : ''}`;
}

export function poolView(p: PoolStatus): string {
  return keyValues([
    ['target', String(p.target)],
    ['ready', String(p.ready)],
    ['starting', String(p.starting)],
    ['draining', p.draining ? 'yes: new sandboxes and resets are refused' : 'no'],
  ]);
}

export function reapsLine(reaps: FleetStats['reaps']): string {
  const parts = Object.entries(reaps)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => `${reason} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

export function statsView(s: FleetStats): string {
  const summary = keyValues([
    ['sandboxes', `${s.sandboxes} of ${s.capacity} (${s.busy} busy, ${s.starting} starting)`],
    ['pool', poolLine(s.pool)],
    ['image', `${s.image} (${s.imagePresent ? 'present' : 'MISSING'})`],
    ['reaps', reapsLine(s.reaps)],
  ]);
  const latency = table(
    ['PROVISIONING', { header: 'COUNT', align: 'right' }, { header: 'P50', align: 'right' }, { header: 'P95', align: 'right' }],
    (['pool', 'cold'] as const).map((src) => {
      const m = s.provisioningMs[src];
      return [src, String(m.count), formatMs(m.p50), formatMs(m.p95)];
    }),
  );
  return `${summary}\n${latency}`;
}

export function reapView(reaped: ReapCandidate[], dryRun: boolean): string {
  if (!reaped.length) return 'Nothing to reap.\n';
  const head = `${dryRun ? 'Would reap' : 'Reaped'} ${plural(reaped.length, 'sandbox', 'sandboxes')}${dryRun ? ' (dry run)' : ''}:\n`;
  return (
    head +
    table(
      ['USER', 'CONTAINER', 'REASON', { header: 'IDLE', align: 'right' }],
      reaped.map((r) => [r.userId ?? '-', r.container, r.reason, formatAge(r.idleMs)]),
    )
  );
}

export function healthLine(h: Health): string {
  return (
    `${h.status}: docker ${h.docker ? 'reachable' : 'UNREACHABLE'}, image ${h.image.ref} ${h.image.present ? 'present' : 'MISSING'}, ` +
    `pool ${poolLine(h.pool)}, control database ${h.control === 'unreachable' ? 'UNREACHABLE' : (h.control ?? 'unknown')}`
  );
}
