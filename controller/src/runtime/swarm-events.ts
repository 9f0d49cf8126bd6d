import type { ContainerInfo, RuntimeEvent } from './container-runtime';

/**
 * Swarm's event stream has no task deaths (those happen in the nodes' engines), so the swarm
 * runtime polls and turns what changed between two looks into the port's events.
 */
export function eventsBetween(before: Map<string, ContainerInfo>, now: ContainerInfo[]): RuntimeEvent[] {
  const out: RuntimeEvent[] = [];
  const seen = new Set<string>();
  for (const c of now) {
    seen.add(c.id);
    const was = before.get(c.id);
    if (c.running && !was?.running) out.push({ kind: 'start', id: c.id, name: c.name });
    if (!c.running && was?.running) {
      const exitCode = exitCodeOf(c.exitReason);
      out.push({
        kind: 'die',
        id: c.id,
        name: c.name,
        exitCode,
        ...(exitCode === undefined && c.exitReason ? { reason: c.exitReason } : {}),
      });
    }
  }
  for (const [id, was] of before) {
    if (seen.has(id)) continue;
    if (was.running) out.push({ kind: 'die', id, name: was.name });
    out.push({ kind: 'destroy', id, name: was.name });
  }
  return out;
}

function exitCodeOf(reason: string | undefined): number | undefined {
  const m = /^exit (\d+)$/.exec(reason ?? '');
  return m ? Number(m[1]) : undefined;
}
