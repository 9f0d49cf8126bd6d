import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

export const SESSION_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const SESSION_MESSAGE = 'session must be 1–32 letters, digits, _ or - (for example "main" or "s2")';

@ApiSchema({ name: 'ExecRequest' })
export class ExecRequestDto {
  @ApiProperty({ description: 'One or more statements, split on semicolons as Postgres reads them; at most SANDBOX_MAX_SQL_BYTES.' })
  @IsString({ message: 'sql must be a string of SQL' })
  sql!: string;

  @ApiPropertyOptional({ pattern: SESSION_NAME.source, default: 'main', description: 'The SQL session (its own connection) to run on.' })
  @IsOptional()
  @IsString({ message: SESSION_MESSAGE })
  @Matches(SESSION_NAME, { message: SESSION_MESSAGE })
  session?: string;
}

/**
 * ExecRequestDto's rules as plain comparisons, for QuickValidationPipe: true only for a plain
 * object with a string `sql`, at most a `session` that is a valid name, and nothing else.
 * Everything else (null session included) goes through class-validator. The spec keeps it in step.
 */
export function isPlainExecRequest(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (k !== 'sql' && k !== 'session') return false;
  const { sql, session } = v as Record<string, unknown>;
  return typeof sql === 'string' && (session === undefined || (typeof session === 'string' && SESSION_NAME.test(session)));
}

@ApiSchema({ name: 'SessionRequest' })
export class SessionRequestDto {
  @ApiPropertyOptional({ pattern: SESSION_NAME.source, default: 'main', description: 'The SQL session (its own connection) to run on.' })
  @IsOptional()
  @IsString({ message: SESSION_MESSAGE })
  @Matches(SESSION_NAME, { message: SESSION_MESSAGE })
  session?: string;
}
