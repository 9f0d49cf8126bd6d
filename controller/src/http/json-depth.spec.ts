import { jsonDeeperThan } from './json-depth';

const bytes = (s: string) => Buffer.from(s);

describe(jsonDeeperThan.name, () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonDeeperThan(bytes('{"sql":"[[[[[[{{{{"}'), 2)).toBe(false);
    expect(jsonDeeperThan(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    expect(jsonDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
  });

  it('is not fooled by escaped quotes in strings', () => {
    expect(jsonDeeperThan(bytes('{"sql":"\\"[[[[\\\\"}'), 1)).toBe(false);
    expect(jsonDeeperThan(bytes('{"sql":"\\\\"}[[[['), 2)).toBe(true);
  });

  it('finds 100,000 levels in one pass without recursion', () => {
    expect(jsonDeeperThan(bytes('['.repeat(100_000) + ']'.repeat(100_000)), 64)).toBe(true);
    expect(jsonDeeperThan(bytes('['.repeat(64) + ']'.repeat(64)), 64)).toBe(false);
  });
});
