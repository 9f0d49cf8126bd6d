import type { Field } from '../api/types';
import { formatValue, isNumericType } from './format';

export interface SortState {
  column: string;
  dir: 'asc' | 'desc';
}

/**
 * The order in which the grid shows the rows it holds: indexes into `rows`, filtered by a
 * case-insensitive substring of any cell's shown text, then sorted by one column. It works on the
 * rows already in the page (a truncated result sorts what it has, and says so elsewhere).
 */
export function viewOrder(fields: Field[], rows: Record<string, unknown>[], filter: string, sort: SortState | null): number[] {
  let order = rows.map((_, i) => i);
  const needle = filter.trim().toLowerCase();
  if (needle) {
    order = order.filter((i) => fields.some((f) => formatValue(rows[i][f.name], f).text.toLowerCase().includes(needle)));
  }
  const field = sort && fields.find((f) => f.name === sort.column);
  if (sort && field) {
    const cmp = comparator(field, rows);
    const sign = sort.dir === 'asc' ? 1 : -1;
    // NULLs last in both directions; ties keep their original order (Array.prototype.sort is stable)
    order.sort((a, b) => {
      const va = rows[a][field.name];
      const vb = rows[b][field.name];
      const na = va === null || va === undefined;
      const nb = vb === null || vb === undefined;
      if (na || nb) return na === nb ? 0 : na ? 1 : -1;
      return sign * cmp(va, vb);
    });
  }
  return order;
}

/** Click on a header: ascending, then descending, then the server's order again. */
export function nextSort(current: SortState | null, column: string): SortState | null {
  if (!current || current.column !== column) return { column, dir: 'asc' };
  return current.dir === 'asc' ? { column, dir: 'desc' } : null;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function comparator(field: Field, rows: Record<string, unknown>[]): (a: unknown, b: unknown) => number {
  const numeric = isNumericType(field.dataTypeID) || rows.slice(0, 50).some((r) => typeof r[field.name] === 'number');
  if (numeric) {
    // int8 and numeric arrive as strings: compare them as numbers ("10" after "9"); NaN sorts last, as in Postgres
    return (a, b) => {
      const x = Number(a);
      const y = Number(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    };
  }
  return (a, b) => collator.compare(formatValue(a, field).text, formatValue(b, field).text);
}
