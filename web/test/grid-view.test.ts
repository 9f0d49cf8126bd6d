import { describe, expect, it } from 'vitest';
import { nextSort, viewOrder } from '../src/results/grid-view';

const fields = [
  { name: 'n', dataTypeID: 20 },
  { name: 'label', dataTypeID: 25 },
];
const rows = [
  { n: '10', label: 'ten' },
  { n: '9', label: 'Nine' },
  { n: null, label: 'none' },
  { n: '100', label: 'hundred' },
];

describe('grid sort and filter', () => {
  it('sorts int8 strings as numbers, NULLs last both ways', () => {
    expect(viewOrder(fields, rows, '', { column: 'n', dir: 'asc' })).toEqual([1, 0, 3, 2]);
    expect(viewOrder(fields, rows, '', { column: 'n', dir: 'desc' })).toEqual([3, 0, 1, 2]);
  });

  it('sorts text case-insensitively', () => {
    expect(viewOrder(fields, rows, '', { column: 'label', dir: 'asc' }).map((i) => rows[i].label)).toEqual([
      'hundred',
      'Nine',
      'none',
      'ten',
    ]);
  });

  it('filters on any cell, case-insensitively, NULL included as shown', () => {
    expect(viewOrder(fields, rows, 'N', null)).toEqual([0, 1, 2, 3].filter((i) => /n/i.test(`${rows[i].n ?? 'NULL'} ${rows[i].label}`)));
    expect(viewOrder(fields, rows, '10', null)).toEqual([0, 3]);
    expect(viewOrder(fields, rows, 'null', null)).toEqual([2]);
  });

  it('cycles a header through ascending, descending and unsorted', () => {
    const a = nextSort(null, 'n');
    expect(a).toEqual({ column: 'n', dir: 'asc' });
    const d = nextSort(a, 'n');
    expect(d).toEqual({ column: 'n', dir: 'desc' });
    expect(nextSort(d, 'n')).toBeNull();
    expect(nextSort(d, 'label')).toEqual({ column: 'label', dir: 'asc' });
  });
});
