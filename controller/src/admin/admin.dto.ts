import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class ReapRequestDto {
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  /** Reap sandboxes idle at least this long instead of the configured timeout (`10m`, `90s`). */
  @IsOptional()
  @IsString()
  @Matches(/^\d+(\.\d+)?(ms|s|m|h|d)?$/, { message: 'idle must be a duration such as 90s, 10m or 2h' })
  idle?: string;
}

export class PoolSizeDto {
  @IsInt()
  @Min(0)
  @Max(100)
  size!: number;
}
