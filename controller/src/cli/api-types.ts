// The admin API's response shapes, taken from the controller's own code (types only: the CLI
// never loads Nest, the fleet or dockerode at run time).
import type { SandboxView } from '../admin/sandbox-view';
import type { FleetStatsView } from '../fleet/fleet-stats';
import type { ReapCandidate } from '../fleet/reaper';
import type { PoolStatus } from '../fleet/warm-pool';
import type { SandboxStatus } from '../sandbox/sandbox.service';

export type { SandboxView, ReapCandidate, SandboxStatus, PoolStatus };
export type SandboxDetail = SandboxView & { status: SandboxStatus };
export type FleetStats = FleetStatsView;
export interface ReapResult {
  dryRun: boolean;
  reaped: ReapCandidate[];
}
export interface Health {
  status: 'ok' | 'unavailable';
  docker: boolean;
  image: { ref: string; present: boolean };
  pool: PoolStatus;
}
export interface WhoAmI {
  userId: string;
  role: string;
  premium: boolean;
}
