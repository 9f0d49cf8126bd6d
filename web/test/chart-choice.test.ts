import { describe, expect, it } from 'vitest';
import { chooseChart, toNumber, toTime } from '../src/results/chart/chart-choice';

const f = (name: string, dataTypeID: number) => ({ name, dataTypeID });

describe('chart type from the column types', () => {
  it('a date and numbers: a line over time', () => {
    expect(chooseChart([f('day', 1082), f('sales', 1700), f('n', 20)], [{ day: '2024-01-01', sales: '1.5', n: '3' }])).toEqual({
      kind: 'line',
      x: 'day',
      y: ['sales', 'n'],
    });
  });

  it('a timestamp beats a text column', () => {
    expect(chooseChart([f('name', 25), f('at', 1184), f('v', 701)], [{ name: 'a', at: '2024-01-01 10:00:00+00', v: 1 }])?.kind).toBe(
      'line',
    );
  });

  it('a text column and numbers: bars per label', () => {
    expect(chooseChart([f('city', 1043), f('people', 23)], [{ city: 'Oslo', people: 700000 }])).toEqual({
      kind: 'bar',
      x: 'city',
      y: ['people'],
    });
  });

  it('two numbers and nothing else: a scatter of the first against the others', () => {
    expect(chooseChart([f('x', 701), f('y', 701)], [{ x: 1, y: 2 }])).toEqual({ kind: 'scatter', x: 'x', y: ['y'] });
  });

  it('no chart without numbers, with one lone number, or without rows', () => {
    expect(chooseChart([f('a', 25), f('b', 25)], [{ a: 'x', b: 'y' }])).toBeNull();
    expect(chooseChart([f('n', 23)], [{ n: 1 }])).toBeNull();
    expect(chooseChart([f('d', 1082), f('n', 23)], [])).toBeNull();
  });

  it('PGlite numbers with an unlisted type still count', () => {
    expect(chooseChart([f('label', 25), f('v', 99999)], [{ label: 'a', v: 2 }])?.kind).toBe('bar');
  });
});

describe('plotted values', () => {
  it('parses numeric strings, leaves NULL and non-finite as gaps', () => {
    expect(toNumber('12.50')).toBe(12.5);
    expect(toNumber(null)).toBeNull();
    expect(toNumber('NaN')).toBeNull();
    expect(toNumber('Infinity')).toBeNull();
  });

  it('reads Postgres date/time text', () => {
    expect(toTime('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(toTime('2024-05-01 10:00:00+02')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(toTime('2024-05-01 10:00:00.5+05:30')).toBe(Date.UTC(2024, 4, 1, 4, 30, 0, 500));
    expect(toTime('infinity')).toBeNull();
  });
});
