import { describe, expect, it } from 'vitest';
import { LatestOnly } from '../src/hooks/latest-only';

describe(LatestOnly.name, () => {
  it('lets only the newest of overlapping loads write', () => {
    const sut = new LatestOnly();
    const older = sut.begin();
    const newer = sut.begin();
    expect(older()).toBe(false);
    expect(newer()).toBe(true);
  });
});
