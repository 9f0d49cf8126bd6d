/** The operators' API under /api/admin, spoken by sandboxctl. */
import type { SandboxStatus } from './sandbox-status';

/** Where a user's container came from: the warm pool, a cold start, or found running at start-up. */
export type ProvisionSource = 'pool' | 'cold' | 'adopted';
export type ReapReason =
  'idle' | 'lifetime' | 'evicted' | 'reset' | 'removed' | 'died' | 'admin' | 'unresponsive' | 'shutdown' | 'drain' | 'stale';

/** A user with no container whose database is saved (GET /api/admin/hibernated; `sandboxctl ls --all`). */
export interface HibernatedView {
  user: string;
  savedAt: string;
  bytes: number;
  lastUsedAt: string;
  /** The last hibernate or wake failure (e.g. a damaged archive), until one succeeds. */
  lastError: string | null;
}

/** GET /api/admin/storage (`sandboxctl storage`). */
export interface StorageReport {
  users: { user: string; bytes: number; archives: number; checkpoints: number; hibernated: boolean; lastError: string | null }[];
  totalBytes: number;
  limitPerUserBytes: number;
}

/** POST /api/admin/sandboxes/:user/hibernate. */
export interface HibernateResult {
  hibernated: boolean;
  /** Why not, when not: `none` (no sandbox), `busy`, `failed` (see the logs; nothing was lost). */
  reason?: 'none' | 'busy' | 'failed' | 'already';
}

/** One claimed sandbox (GET /api/admin/sandboxes). */
export interface SandboxView {
  user: string | null;
  container: string;
  /** The first 12 hex digits, as `docker ps` shows it. */
  containerId: string;
  state: 'ready' | 'busy';
  source: ProvisionSource;
  /** When the user got this container (for an adopted one: when this controller adopted it). */
  createdAt: string;
  containerCreatedAt: string;
  lastUsedAt: string;
  idleMs: number;
  /** Null when engine stats were not asked for (`?stats=0`) or could not be read. */
  memoryBytes: number | null;
  cpuPercent: number | null;
  sessions: string[];
  image: string;
  /** The swarm node it runs on; null on a single Docker engine. */
  node: string | null;
}

/** GET /api/admin/sandboxes/:user. */
export type SandboxDetail = SandboxView & { status: SandboxStatus };

/** GET /api/admin/sandboxes/:user/logs. */
export interface SandboxLogs {
  logs: string;
}

/** DELETE /api/admin/sandboxes/:user. */
export interface RemoveResult {
  removed: boolean;
}

/** GET, PUT /api/admin/pool, POST /api/admin/drain and /undrain. */
export interface PoolStatus {
  target: number;
  ready: number;
  starting: number;
  draining: boolean;
}

/** POST /api/admin/drain: the pool, and with `{hibernate: true}` how many idle sandboxes were saved and stopped. */
export type DrainResult = PoolStatus & { hibernated?: number };

export interface ReapCandidate {
  userId?: string;
  container: string;
  reason: ReapReason;
  idleMs: number;
}

/** POST /api/admin/reap. */
export interface ReapResult {
  dryRun: boolean;
  idleMs: number;
  reaped: ReapCandidate[];
}

/** Provisioning latency over the controller's recent claims; p50/p95 null before the first. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
}

/** GET /api/admin/stats. */
export interface FleetStats {
  sandboxes: number;
  busy: number;
  starting: number;
  capacity: number;
  pool: PoolStatus;
  provisioningMs: { pool: LatencySummary; cold: LatencySummary };
  /** Sandboxes reaped since start, by reason; a reason not yet seen is absent. */
  reaps: Partial<Record<ReapReason, number>>;
  image: string;
  imagePresent: boolean;
}
