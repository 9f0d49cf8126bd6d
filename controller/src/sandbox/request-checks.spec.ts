import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import { checkedStatements } from './request-checks';

describe(checkedStatements.name, () => {
  const config = loadConfig({ SANDBOX_PREFIX: 'p' });

  it('splits SQL that passes every check into its statements', () => {
    expect(checkedStatements('select 1; select 2', config).map((s) => s.text)).toEqual(['select 1', 'select 2']);
  });

  it('refuses SQL over SANDBOX_MAX_SQL with 413', () => {
    expect(() => checkedStatements('x'.repeat(config.maxSqlBytes + 1), config)).toThrow(PayloadTooLargeException);
  });

  it('refuses a NUL and an unpaired surrogate with 400, and accepts a paired one', () => {
    expect(() => checkedStatements('select 1\u0000', config)).toThrow(/NUL character/);
    expect(() => checkedStatements("select '\ud800'", config)).toThrow(/unpaired UTF-16 surrogate/);
    expect(checkedStatements("select '😀'", config)).toHaveLength(1);
  });

  it('refuses more than SANDBOX_MAX_STATEMENTS statements with 400', () => {
    const sql = Array.from({ length: config.maxStatements + 1 }, () => 'select 1').join(';');
    expect(() => checkedStatements(sql, config)).toThrow(BadRequestException);
    expect(() => checkedStatements(sql, config)).toThrow(`at most ${config.maxStatements} run in one request`);
  });
});
