// Saved databases on the operators' API (issue 11), for the OpenAPI document; each class implements its contract type.
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { DrainResult, HibernateResult, HibernatedView, StorageReport } from '@pgsbx/contract';
import { IsBoolean, IsOptional } from 'class-validator';
import { PoolStatusDto } from './admin-views.dto';

type StorageRow = StorageReport['users'][number];

@ApiSchema({ name: 'HibernatedView', description: 'A user with no container whose database is saved.' })
export class HibernatedViewDto implements HibernatedView {
  @ApiProperty()
  user!: string;

  @ApiProperty({ format: 'date-time' })
  savedAt!: string;

  @ApiProperty({ type: 'integer', description: 'Size of the (compressed) archive.' })
  bytes!: number;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The last hibernate or wake failure (e.g. a damaged archive), until one succeeds.',
  })
  lastError!: string | null;
}

@ApiSchema({ name: 'StorageRow' })
export class StorageRowDto implements StorageRow {
  @ApiProperty()
  user!: string;

  @ApiProperty({ type: 'integer', description: 'All of the user’s archives together.' })
  bytes!: number;

  @ApiProperty({ type: 'integer' })
  archives!: number;

  @ApiProperty({ type: 'integer' })
  checkpoints!: number;

  @ApiProperty()
  hibernated!: boolean;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;
}

@ApiSchema({ name: 'StorageReport', description: 'Archive bytes per user and in all, as the control store records them.' })
export class StorageReportDto implements StorageReport {
  @ApiProperty({ type: [StorageRowDto] })
  users!: StorageRowDto[];

  @ApiProperty({ type: 'integer' })
  totalBytes!: number;

  @ApiProperty({ type: 'integer', description: 'SANDBOX_ARCHIVE_MAX' })
  limitPerUserBytes!: number;
}

@ApiSchema({ name: 'HibernateResult' })
export class HibernateResultDto implements HibernateResult {
  @ApiProperty()
  hibernated!: boolean;

  @ApiPropertyOptional({
    enum: ['none', 'busy', 'failed', 'already'],
    description: 'Why not: no sandbox, a statement running, the save failed (nothing lost; see the logs), already hibernated.',
  })
  reason?: 'none' | 'busy' | 'failed' | 'already';
}

@ApiSchema({ name: 'DrainRequest' })
export class DrainRequestDto {
  @ApiPropertyOptional({ description: 'Also save and stop every idle sandbox (their users get their data back after undrain).' })
  @IsOptional()
  @IsBoolean()
  hibernate?: boolean;
}

@ApiSchema({ name: 'DrainResult' })
export class DrainResultDto extends PoolStatusDto implements DrainResult {
  @ApiPropertyOptional({ type: 'integer', description: 'With hibernate: how many sandboxes were saved and stopped.' })
  hibernated?: number;
}
