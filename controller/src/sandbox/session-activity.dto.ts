// GET /api/sandbox/activity for the OpenAPI document; each class implements its contract type.
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { LockHolder, SandboxActivity, SessionActivity } from '@pgsbx/contract';

@ApiSchema({ name: 'LockHolder', description: 'A backend holding a lock a session waits for.' })
export class LockHolderDto implements LockHolder {
  @ApiProperty({ type: 'integer' })
  pid!: number;

  @ApiPropertyOptional({ description: "The user's session that holds it, when it is one of theirs." })
  session?: string;
}

@ApiSchema({ name: 'SessionActivity' })
export class SessionActivityDto implements SessionActivity {
  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'integer' })
  pid!: number;

  @ApiProperty({ description: 'pg_stat_activity.state: active, idle, idle in transaction, …' })
  state!: string;

  @ApiProperty()
  inTransaction!: boolean;

  @ApiProperty({ type: [LockHolderDto], description: 'Who holds the locks it waits for; empty when it waits for none.' })
  waitingFor!: LockHolderDto[];
}

@ApiSchema({ name: 'SandboxActivity' })
export class SandboxActivityDto implements SandboxActivity {
  @ApiProperty({ type: [SessionActivityDto], description: 'Sessions with an open connection; none without a sandbox.' })
  sessions!: SessionActivityDto[];
}
