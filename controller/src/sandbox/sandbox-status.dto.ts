// A user's view of their sandbox for the OpenAPI document; each class implements its contract type.
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { CancelOutcome, CancelResult, SandboxLimits, SandboxState, SandboxStatus } from '@pgsbx/contract';
import { SavedDatabaseDto, WakeProgressDto } from './checkpoint.dto';

const STATES: SandboxState[] = ['none', 'starting', 'ready', 'busy', 'hibernated', 'waking'];
const OUTCOMES: CancelOutcome[] = ['cancelled', 'terminated', 'replaced', 'idle'];

@ApiSchema({ name: 'SandboxLimits' })
export class SandboxLimitsDto implements SandboxLimits {
  @ApiProperty()
  statementTimeoutMs!: number;

  @ApiProperty({ type: 'integer' })
  maxRows!: number;

  @ApiProperty({ type: 'integer' })
  maxSessions!: number;

  @ApiProperty({ type: 'integer' })
  maxSqlBytes!: number;

  @ApiProperty()
  idleTimeoutMs!: number;

  @ApiProperty({ type: 'integer' })
  memoryBytes!: number;

  @ApiProperty({ type: 'integer' })
  maxCheckpoints!: number;

  @ApiProperty({ type: 'integer', description: "All of a user's saved databases together (SANDBOX_ARCHIVE_MAX)." })
  archiveMaxBytes!: number;
}

@ApiSchema({ name: 'Restored' })
export class RestoredDto extends SavedDatabaseDto {
  @ApiProperty()
  ms!: number;
}

@ApiSchema({ name: 'SandboxStatus' })
export class SandboxStatusDto implements SandboxStatus {
  @ApiProperty()
  userId!: string;

  @ApiProperty({ enum: STATES })
  state!: SandboxState;

  @ApiPropertyOptional()
  container?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  createdAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  lastUsedAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  idleExpiresAt?: string;

  @ApiPropertyOptional({ type: SavedDatabaseDto, description: 'While hibernated: the saved database the next exec restores.' })
  saved?: SavedDatabaseDto;

  @ApiPropertyOptional({ type: WakeProgressDto, description: 'While waking: the restore under way.' })
  waking?: WakeProgressDto;

  @ApiPropertyOptional({ type: RestoredDto, description: 'On the answer of a wake: what was restored, and how long it took.' })
  restored?: RestoredDto;

  @ApiProperty({ type: [String], description: 'The open SQL sessions ("main", …).' })
  sessions!: string[];

  @ApiProperty({ type: SandboxLimitsDto })
  limits!: SandboxLimitsDto;
}

@ApiSchema({ name: 'CancelResult', description: 'What happened to the session\'s running statement; "idle": none ran.' })
export class CancelResultDto implements CancelResult {
  @ApiProperty()
  cancelled!: boolean;

  @ApiProperty({ enum: OUTCOMES })
  outcome!: CancelOutcome;
}
