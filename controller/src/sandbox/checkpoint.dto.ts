// Checkpoints and saved databases on the wire (issue 11), for validation and the OpenAPI document.
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Checkpoint, CheckpointList, SavedDatabase, WakeProgressView } from '@pgsbx/contract';
import { IsOptional, IsString, Matches } from 'class-validator';

export const CHECKPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const NAME_MESSAGE =
  'a checkpoint name is 1–63 letters, digits, _, . or -, starting with a letter or digit (for example "before-migration")';

@ApiSchema({ name: 'CheckpointRequest' })
export class CheckpointRequestDto {
  @ApiProperty({ pattern: CHECKPOINT_NAME.source, description: 'Saving under an existing name replaces that checkpoint.' })
  @IsString({ message: NAME_MESSAGE })
  @Matches(CHECKPOINT_NAME, { message: NAME_MESSAGE })
  name!: string;
}

@ApiSchema({ name: 'ResetRequest' })
export class ResetRequestDto {
  @ApiPropertyOptional({ pattern: CHECKPOINT_NAME.source, description: 'Reset to this checkpoint; without it, to an empty database.' })
  @IsOptional()
  @IsString({ message: NAME_MESSAGE })
  @Matches(CHECKPOINT_NAME, { message: NAME_MESSAGE })
  checkpoint?: string;
}

@ApiSchema({ name: 'SavedDatabase' })
export class SavedDatabaseDto implements SavedDatabase {
  @ApiProperty({ format: 'date-time' })
  savedAt!: string;

  @ApiProperty({ type: 'integer', description: 'Size of the (compressed) archive.' })
  bytes!: number;
}

@ApiSchema({ name: 'Checkpoint' })
export class CheckpointDto extends SavedDatabaseDto implements Checkpoint {
  @ApiProperty()
  name!: string;
}

@ApiSchema({ name: 'CheckpointList' })
export class CheckpointListDto implements CheckpointList {
  @ApiProperty({ type: [CheckpointDto] })
  checkpoints!: CheckpointDto[];

  @ApiProperty({ type: 'integer', description: 'SANDBOX_MAX_CHECKPOINTS' })
  max!: number;
}

@ApiSchema({ name: 'WakeProgress' })
export class WakeProgressDto implements WakeProgressView {
  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: 'integer', description: 'Size of the archive being restored.' })
  bytes!: number;
}

@ApiSchema({ name: 'CheckpointDeleted' })
export class CheckpointDeletedDto {
  @ApiProperty({ description: 'The name of the checkpoint that was deleted.' })
  deleted!: string;
}
