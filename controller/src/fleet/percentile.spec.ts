import { percentile } from './percentile';

describe(percentile.name, () => {
  it('is null for no samples', () => {
    expect(percentile([], 50)).toBeNull();
  });

  it('takes the nearest rank of the sorted samples, capped at the largest', () => {
    const xs = [50, 10, 40, 20, 30];
    expect(percentile(xs, 50)).toBe(30);
    expect(percentile(xs, 95)).toBe(50);
    expect(percentile(xs, 100)).toBe(50);
    expect(percentile(xs, 0)).toBe(10);
    expect(xs).toEqual([50, 10, 40, 20, 30]); // the input is not sorted in place
  });
});
