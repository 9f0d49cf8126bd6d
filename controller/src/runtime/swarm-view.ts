import type Docker from 'dockerode';
import type { ContainerInfo } from './container-runtime';
import { CLAIMS_LABEL, IMAGE_ID_LABEL, OWNER_LABEL, SANDBOX_PG_PORT, TLS_NAME_LABEL } from './swarm-service-spec';

/** The fields of a swarm task this runtime reads (dockerode leaves tasks untyped). */
export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  CreatedAt?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

const TERMINAL = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

export function isTerminal(task: SwarmTask | undefined): boolean {
  return !task || TERMINAL.has(task.Status?.State ?? '');
}

/**
 * A task the swarm gave up on while its last report still says running: its node stopped
 * answering (the manager marks it down after missed heartbeats, ~10–15 s) and the orchestrator
 * set its desired state to shutdown. Nobody will report that task again, so it counts as dead.
 */
export function isAbandoned(task: SwarmTask | undefined): boolean {
  return Boolean(task && !isTerminal(task) && task.DesiredState && task.DesiredState !== 'running' && task.DesiredState !== 'ready');
}

/** What the runtime knows of the nodes: names for the port's `node`, and which are down. */
export interface SwarmNodes {
  names: Map<string, string>;
  down: Set<string>;
}

/** The service's newest task: one replica and no restarts, so normally its only one. */
export function latestTask(tasks: SwarmTask[], serviceId: string): SwarmTask | undefined {
  return tasks
    .filter((t) => t.ServiceID === serviceId)
    .sort((a, b) => (a.CreatedAt ?? '').localeCompare(b.CreatedAt ?? ''))
    .pop();
}

export function isNameLock(s: Docker.Service): boolean {
  return Boolean(s.Spec?.Labels?.[CLAIMS_LABEL]);
}

/**
 * Services and their tasks as the port's containers. A sandbox service is listed under the
 * user's name when it was claimed (its owner label and the name-lock service agree), under its
 * own name otherwise. A claimed service whose lock is gone (released) is shown as `-gone-`, so
 * recovery removes it and never mistakes it for a pool entry; a lock whose service is gone (a
 * claim cut short) is shown as a stopped container, so the fleet clears it away.
 */
export function viewServices(services: Docker.Service[], tasks: SwarmTask[], nodes: SwarmNodes, prefix: string): ContainerInfo[] {
  const locks = new Map<string, Docker.Service>();
  for (const s of services) if (isNameLock(s)) locks.set(s.Spec!.Labels![CLAIMS_LABEL], s);
  const out: ContainerInfo[] = [];
  const claimed = new Set<string>();
  for (const s of services) {
    if (isNameLock(s)) continue;
    const labels = s.Spec?.Labels ?? {};
    const owner = labels[OWNER_LABEL];
    const lock = locks.get(s.ID);
    let name = s.Spec?.Name ?? '';
    if (owner) {
      name = lock?.Spec?.Name === owner ? owner : `${prefix}-gone-${s.ID.slice(0, 12)}`;
      if (lock?.Spec?.Name === owner) claimed.add(lock.ID);
    }
    const task = latestTask(tasks, s.ID);
    const running = task?.Status?.State === 'running' && !isAbandoned(task);
    out.push({
      id: s.ID,
      name,
      image: containerImage(s),
      imageId: labels[IMAGE_ID_LABEL] ?? '',
      labels: visibleLabels(labels),
      running,
      // dnsrr: the service's own name (not the user's, when claimed) resolves to its task on the overlay.
      endpoint: { kind: 'tcp', host: s.Spec?.Name ?? '', port: SANDBOX_PG_PORT, servername: labels[TLS_NAME_LABEL] ?? '' },
      createdAt: new Date(s.CreatedAt ?? 0),
      node: task?.NodeID ? (nodes.names.get(task.NodeID) ?? task.NodeID) : undefined,
      exitReason: running ? undefined : exitReason(task, nodes),
      // Swarm does not report an OOM kill; it shows as exit 137 (docs/SWARM.md).
      oomKilled: false,
    });
  }
  for (const lock of locks.values()) {
    if (claimed.has(lock.ID)) continue;
    out.push({
      id: lock.ID,
      name: lock.Spec?.Name ?? '',
      image: containerImage(lock),
      imageId: '',
      labels: visibleLabels(lock.Spec?.Labels ?? {}),
      running: false,
      endpoint: { kind: 'tcp', host: lock.Spec?.Name ?? '', port: SANDBOX_PG_PORT, servername: '' },
      createdAt: new Date(lock.CreatedAt ?? 0),
      exitReason: 'its claim was cut short',
    });
  }
  return out;
}

function containerImage(s: Docker.Service): string {
  const t = s.Spec?.TaskTemplate;
  return (t && 'ContainerSpec' in t ? t.ContainerSpec?.Image : undefined)?.replace(/@sha256:.*$/, '') ?? '';
}

/** The sandbox's own labels, without the runtime's bookkeeping. */
function visibleLabels(labels: Record<string, string>): Record<string, string> {
  const rest = { ...labels };
  for (const k of [OWNER_LABEL, CLAIMS_LABEL, IMAGE_ID_LABEL, TLS_NAME_LABEL]) delete rest[k];
  return rest;
}

function exitReason(task: SwarmTask | undefined, nodes: SwarmNodes): string {
  if (!task) return 'no task';
  if (isAbandoned(task)) {
    const node = task.NodeID ? (nodes.names.get(task.NodeID) ?? task.NodeID) : 'its node';
    return task.NodeID && nodes.down.has(task.NodeID) ? `its node ${node} went down` : `the swarm gave up on it on ${node}`;
  }
  const state = task.Status?.State ?? 'unknown';
  const code = task.Status?.ContainerStatus?.ExitCode;
  if (state === 'failed' || state === 'complete') return code === undefined ? state : `exit ${code}`;
  return task.Status?.Err ? `${state}: ${task.Status.Err}` : state;
}
