// The exec answer's shapes for the OpenAPI document; each class implements its contract type, so
// the compiler holds the two together (test/openapi.int-spec.ts checks real answers against both).
import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import type { ErrorResult, Notice, ResultField, RowsResult, SqlError } from '@pgsbx/contract';

@ApiSchema({ name: 'ResultField' })
export class ResultFieldDto implements ResultField {
  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'integer', description: "The column type's OID (pg_type.oid)." })
  dataTypeID!: number;
}

@ApiSchema({ name: 'Notice', description: 'A NOTICE, WARNING or INFO message the statement raised.' })
export class NoticeDto implements Notice {
  @ApiPropertyOptional()
  severity?: string;

  @ApiPropertyOptional()
  code?: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional()
  detail?: string;

  @ApiPropertyOptional()
  hint?: string;

  @ApiPropertyOptional()
  where?: string;
}

@ApiSchema({ name: 'SqlError' })
export class SqlErrorDto implements SqlError {
  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: 'SQLSTATE, e.g. 42P01.' })
  code?: string;

  @ApiPropertyOptional()
  severity?: string;

  @ApiPropertyOptional({ type: 'integer', description: '1-based, in characters of the whole request.' })
  position?: number;

  @ApiPropertyOptional()
  detail?: string;

  @ApiPropertyOptional()
  hint?: string;

  @ApiPropertyOptional()
  where?: string;
}

@ApiSchema({ name: 'RowsResult', description: 'A statement that ran.' })
export class RowsResultDto implements RowsResult {
  @ApiProperty()
  statement!: string;

  @ApiPropertyOptional({ description: "The command tag's verb: SELECT, INSERT, CREATE, …" })
  command?: string;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  rows!: Record<string, unknown>[];

  @ApiProperty({ type: [ResultFieldDto] })
  fields!: ResultFieldDto[];

  @ApiPropertyOptional({ type: 'integer' })
  affectedRows?: number;

  @ApiPropertyOptional({ description: 'Set when rows were cut at the row or byte cap.' })
  truncated?: boolean;

  @ApiPropertyOptional({ type: [NoticeDto] })
  notices?: NoticeDto[];

  @ApiProperty()
  durationMs!: number;
}

@ApiSchema({ name: 'ErrorResult', description: 'A statement that failed; the statements after it did not run.' })
export class ErrorResultDto implements ErrorResult {
  @ApiProperty()
  statement!: string;

  @ApiProperty({ type: SqlErrorDto })
  error!: SqlErrorDto;

  @ApiPropertyOptional({ type: [NoticeDto] })
  notices?: NoticeDto[];

  @ApiPropertyOptional()
  durationMs?: number;
}

/** POST /api/sandbox/exec: one result per statement, in order (SandboxResult[]). */
export const EXEC_RESPONSE_SCHEMA: SchemaObject = {
  type: 'array',
  items: { oneOf: [{ $ref: getSchemaPath(RowsResultDto) }, { $ref: getSchemaPath(ErrorResultDto) }] },
};
