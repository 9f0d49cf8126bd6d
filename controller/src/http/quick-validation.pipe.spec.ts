import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { ExecRequestDto, isPlainExecRequest } from '../sandbox/exec-request.dto';
import { QuickValidationPipe } from './quick-validation.pipe';

const OPTIONS = { transform: true, whitelist: true, forbidNonWhitelisted: true };
const body = { type: 'body', metatype: ExecRequestDto } as const;

/** A fresh copy each time: the full pipe strips unknown fields from the object it is given. */
const fresh = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

const bodies: [string, unknown][] = [
  ['sql only', { sql: 'select 1' }],
  ['sql and a session', { sql: 'select 1', session: 's2' }],
  ['an empty sql', { sql: '' }],
  ['the longest session name', { sql: 'x', session: 'a'.repeat(32) }],
  ['a session name too long', { sql: 'x', session: 'a'.repeat(33) }],
  ['a session with a slash', { sql: 'x', session: '../etc' }],
  ['an empty session', { sql: 'x', session: '' }],
  ['a null session', { sql: 'x', session: null }],
  ['a number session', { sql: 'x', session: 2 }],
  ['a number sql', { sql: 1 }],
  ['no sql', { session: 'main' }],
  ['an unknown field', { sql: 'x', extra: 1 }],
  ['a __proto__ field', JSON.parse('{"sql":"x","__proto__":{"admin":true}}')],
  ['an array', [{ sql: 'x' }]],
  ['null', null],
  ['a string', 'select 1'],
  ['nothing', undefined],
];

describe(QuickValidationPipe.name, () => {
  const full = new ValidationPipe(OPTIONS);
  const sut = new QuickValidationPipe(OPTIONS, new Map([[ExecRequestDto, isPlainExecRequest]]));

  it.each(bodies)('answers %s exactly as the full ValidationPipe does', async (_what, value) => {
    const outcome = (p: Promise<unknown>) =>
      p.then(
        (v) => ({ ok: v instanceof ExecRequestDto, value: { ...(v as object) } }),
        (e: BadRequestException) => ({ status: e.getStatus(), response: e.getResponse() }),
      );
    const expected = await outcome(full.transform(fresh(value), body));
    expect(await outcome(sut.transform(fresh(value), body))).toEqual(expected);
  });

  it('passes only what class-validator passes (the quick check is never looser)', async () => {
    for (const [what, value] of bodies) {
      if (!isPlainExecRequest(fresh(value))) continue;
      await expect(full.transform(fresh(value), body).then(() => what)).resolves.toBe(what);
    }
    const passed = bodies.filter(([, v]) => isPlainExecRequest(fresh(v))).map(([what]) => what);
    expect(passed).toEqual(['sql only', 'sql and a session', 'an empty sql', 'the longest session name']);
  });
});
