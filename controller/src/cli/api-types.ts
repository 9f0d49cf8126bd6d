// The admin API's response shapes, taken from the controller's own code (types only: the CLI
// never loads Nest, the fleet or dockerode at run time).
import type { SandboxView } from '../fleet/admin.controller';
import type { FleetService, ReapCandidate } from '../fleet/fleet.service';
import type { SandboxStatus } from '../sandbox/sandbox.service';

export type { SandboxView, ReapCandidate, SandboxStatus };
export type SandboxDetail = SandboxView & { status: SandboxStatus };
export type PoolStatus = FleetService['poolStatus'];
export type FleetStats = ReturnType<FleetService['stats']>;
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
