// The operators' API's answers for the OpenAPI document; each class implements its contract type.
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type {
  FleetStats,
  LatencySummary,
  PoolStatus,
  ProvisionSource,
  ReapCandidate,
  ReapReason,
  ReapResult,
  RemoveResult,
  SandboxDetail,
  SandboxLogs,
  SandboxView,
} from '@pgsbx/contract';
import { SandboxStatusDto } from '../sandbox/sandbox-status.dto';

const SOURCES: ProvisionSource[] = ['pool', 'cold', 'adopted'];
const REASONS: ReapReason[] = [
  'idle',
  'lifetime',
  'evicted',
  'reset',
  'removed',
  'died',
  'admin',
  'unresponsive',
  'shutdown',
  'drain',
  'stale',
];

@ApiSchema({ name: 'SandboxView', description: 'One claimed sandbox.' })
export class SandboxViewDto implements SandboxView {
  @ApiProperty({ type: String, nullable: true })
  user!: string | null;

  @ApiProperty()
  container!: string;

  @ApiProperty({ description: 'The first 12 hex digits, as docker ps shows it.' })
  containerId!: string;

  @ApiProperty({ enum: ['ready', 'busy'] })
  state!: 'ready' | 'busy';

  @ApiProperty({ enum: SOURCES })
  source!: ProvisionSource;

  @ApiProperty({ format: 'date-time', description: 'When the user got this container.' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  containerCreatedAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt!: string;

  @ApiProperty()
  idleMs!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Null without engine stats (?stats=0) or when they failed.' })
  memoryBytes!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  cpuPercent!: number | null;

  @ApiProperty({ type: [String] })
  sessions!: string[];

  @ApiProperty()
  image!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The swarm node it runs on; null on a single Docker engine.' })
  node!: string | null;
}

@ApiSchema({ name: 'SandboxDetail' })
export class SandboxDetailDto extends SandboxViewDto implements SandboxDetail {
  @ApiProperty({ type: SandboxStatusDto })
  status!: SandboxStatusDto;
}

@ApiSchema({ name: 'SandboxLogs' })
export class SandboxLogsDto implements SandboxLogs {
  @ApiProperty()
  logs!: string;
}

@ApiSchema({ name: 'RemoveResult' })
export class RemoveResultDto implements RemoveResult {
  @ApiProperty()
  removed!: boolean;
}

@ApiSchema({ name: 'PoolStatus' })
export class PoolStatusDto implements PoolStatus {
  @ApiProperty({ type: 'integer' })
  target!: number;

  @ApiProperty({ type: 'integer' })
  ready!: number;

  @ApiProperty({ type: 'integer' })
  starting!: number;

  @ApiProperty()
  draining!: boolean;
}

@ApiSchema({ name: 'ReapCandidate' })
export class ReapCandidateDto implements ReapCandidate {
  @ApiPropertyOptional()
  userId?: string;

  @ApiProperty()
  container!: string;

  @ApiProperty({ enum: REASONS })
  reason!: ReapReason;

  @ApiProperty()
  idleMs!: number;
}

@ApiSchema({ name: 'ReapResult' })
export class ReapResultDto implements ReapResult {
  @ApiProperty()
  dryRun!: boolean;

  @ApiProperty()
  idleMs!: number;

  @ApiProperty({ type: [ReapCandidateDto] })
  reaped!: ReapCandidateDto[];
}

@ApiSchema({ name: 'LatencySummary', description: 'Over recent claims; p50 and p95 are null before the first.' })
export class LatencySummaryDto implements LatencySummary {
  @ApiProperty({ type: 'integer' })
  count!: number;

  @ApiProperty({ type: Number, nullable: true })
  p50!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  p95!: number | null;
}

@ApiSchema({ name: 'ProvisioningLatency' })
export class ProvisioningLatencyDto {
  @ApiProperty({ type: LatencySummaryDto })
  pool!: LatencySummaryDto;

  @ApiProperty({ type: LatencySummaryDto })
  cold!: LatencySummaryDto;
}

@ApiSchema({ name: 'FleetStats' })
export class FleetStatsDto implements FleetStats {
  @ApiProperty({ type: 'integer' })
  sandboxes!: number;

  @ApiProperty({ type: 'integer' })
  busy!: number;

  @ApiProperty({ type: 'integer' })
  starting!: number;

  @ApiProperty({ type: 'integer' })
  capacity!: number;

  @ApiProperty({ type: PoolStatusDto })
  pool!: PoolStatusDto;

  @ApiProperty({ type: ProvisioningLatencyDto })
  provisioningMs!: ProvisioningLatencyDto;

  @ApiProperty({
    type: 'object',
    description: 'Sandboxes reaped since start, by reason; a reason not yet seen is absent.',
    properties: Object.fromEntries(REASONS.map((r) => [r, { type: 'integer' }])),
    additionalProperties: false,
  })
  reaps!: Partial<Record<ReapReason, number>>;

  @ApiProperty()
  image!: string;

  @ApiProperty()
  imagePresent!: boolean;
}
