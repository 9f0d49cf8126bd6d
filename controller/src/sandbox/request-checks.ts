import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { SqlStatement, splitSql } from '@pgsbx/contract';
import { AppConfig } from '../config/app-config';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The request's SQL, split into statements, once it is known to be something Postgres can take
 * within the limits: refused up front (413, 400) so nothing of it runs.
 */
export function checkedStatements(sql: string, config: AppConfig): SqlStatement[] {
  if (Buffer.byteLength(sql, 'utf8') > config.maxSqlBytes) {
    throw new PayloadTooLargeException(`The SQL is larger than ${Math.round(config.maxSqlBytes / 1024)} KB; split it into smaller runs.`);
  }
  if (sql.includes('\u0000')) {
    throw new BadRequestException('The SQL contains a NUL character (\\u0000), which Postgres cannot accept.');
  }
  if (LONE_SURROGATE.test(sql)) {
    throw new BadRequestException('The SQL contains an unpaired UTF-16 surrogate (\\ud800–\\udfff), which is not text.');
  }
  const statements = splitSql(sql);
  if (statements.length > config.maxStatements) {
    throw new BadRequestException(`The request has ${statements.length} statements; at most ${config.maxStatements} run in one request.`);
  }
  return statements;
}
