import { formatAge, formatBytes, formatMs, formatPercent, keyValues, table } from './format';

describe('format', () => {
  it('prints ages in one unit, rounded down, readable by parseDuration', () => {
    expect([0, 999, 45_000, 90_000, 119_999, 120_000, 15 * 60_000 + 59_000].map(formatAge)).toEqual([
      '0s',
      '0s',
      '45s',
      '90s',
      '119s',
      '2m',
      '15m',
    ]);
    expect([90 * 60_000, 2 * 3_600_000, 36 * 3_600_000, 3 * 86_400_000 + 5].map(formatAge)).toEqual(['90m', '2h', '36h', '3d']);
    expect([null, undefined, -5].map(formatAge)).toEqual(['-', '-', '0s']);
  });

  it('prints bytes in binary units with one decimal', () => {
    expect([0, 512, 1024, 12.3 * 1024 * 1024, 1024 ** 3, null].map(formatBytes)).toEqual([
      '0 B',
      '512 B',
      '1.0 KiB',
      '12.3 MiB',
      '1.0 GiB',
      '-',
    ]);
  });

  it('prints latencies and percentages', () => {
    expect([18, 999.6, 1250, null].map(formatMs)).toEqual(['18ms', '1000ms', '1.25s', '-']);
    expect([0, 12.345, null].map(formatPercent)).toEqual(['0.0%', '12.3%', '-']);
  });

  it('lays out a table with aligned columns and no trailing spaces', () => {
    const sut = table(
      ['USER', { header: 'MEM', align: 'right' }, 'SESSIONS'],
      [
        ['alice', '12.3 MiB', 'main'],
        ['bob', '1.0 KiB', ''],
      ],
    );
    expect(sut).toBe('USER        MEM  SESSIONS\nalice  12.3 MiB  main\nbob     1.0 KiB\n');
  });

  it('aligns key/value lines', () => {
    expect(
      keyValues([
        ['pool', '2 ready'],
        ['draining', 'no'],
      ]),
    ).toBe('pool      2 ready\ndraining  no\n');
  });
});
