import { FULL_RETRY_AFTER_SECONDS, capacityDecision } from './capacity-policy';

const sb = (name: string, lastUsedAt: number, active = 0, gone = false) => ({ name, lastUsedAt, active, gone });

describe(capacityDecision.name, () => {
  it('has room below the cap, counting sandboxes being started elsewhere', () => {
    expect(capacityDecision({ sandboxes: [sb('a', 1)], startingElsewhere: 0, max: 2 })).toEqual({ kind: 'room' });
    expect(capacityDecision({ sandboxes: [], startingElsewhere: 1, max: 2 })).toEqual({ kind: 'room' });
  });

  it('at the cap evicts the least recently used idle sandbox, never a busy one', () => {
    const older = sb('older-busy', 1, 1);
    const lru = sb('lru', 2);
    const recent = sb('recent', 3);
    const d = capacityDecision({ sandboxes: [recent, older, lru], startingElsewhere: 0, max: 3 });
    expect(d).toEqual({ kind: 'evict', sandbox: lru });
  });

  it('counts starts elsewhere toward the cap', () => {
    const d = capacityDecision({ sandboxes: [sb('a', 1)], startingElsewhere: 1, max: 2 });
    expect(d).toEqual({ kind: 'evict', sandbox: expect.objectContaining({ name: 'a' }) });
  });

  it('is full with a Retry-After when every sandbox is busy', () => {
    const d = capacityDecision({ sandboxes: [sb('a', 1, 1), sb('b', 2, 2)], startingElsewhere: 0, max: 2 });
    expect(d).toEqual({ kind: 'full', retryAfterSeconds: FULL_RETRY_AFTER_SECONDS });
  });
});
