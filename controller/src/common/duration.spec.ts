import { formatDuration, parseBytes, parseDuration } from './duration';

describe(parseDuration.name, () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['250', 250],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('refuses what is not a duration, with an example', () => {
    expect(() => parseDuration('ten minutes')).toThrow(/examples: 500ms, 90s/);
  });

  it('formats in the largest exact unit', () => {
    expect([formatDuration(900_000), formatDuration(90_000), formatDuration(1500)]).toEqual(['15m', '90s', '1500ms']);
  });
});

describe(parseBytes.name, () => {
  it('reads binary units', () => {
    expect([parseBytes('512m'), parseBytes('1g'), parseBytes('100k'), parseBytes('64MB')]).toEqual([
      512 * 1024 ** 2,
      1024 ** 3,
      100 * 1024,
      64 * 1024 ** 2,
    ]);
  });
});
