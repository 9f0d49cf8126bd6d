import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

@ApiSchema({ name: 'ReapRequest' })
export class ReapRequestDto {
  @ApiPropertyOptional({ description: 'List what would be reaped, reap nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  /** Reap sandboxes idle at least this long instead of the configured timeout (`10m`, `90s`). */
  @IsOptional()
  @IsString()
  @Matches(/^\d+(\.\d+)?(ms|s|m|h|d)?$/, { message: 'idle must be a duration such as 90s, 10m or 2h' })
  @ApiPropertyOptional({ example: '10m' })
  idle?: string;
}

@ApiSchema({ name: 'PoolSizeRequest' })
export class PoolSizeDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 })
  @IsInt()
  @Min(0)
  @Max(100)
  size!: number;
}
