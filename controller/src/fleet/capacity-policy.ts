/** What the capacity policy needs to know of a sandbox. */
export interface CapacityCandidate {
  active: number;
  gone: boolean;
  lastUsedAt: number;
}

export interface CapacityInput<T extends CapacityCandidate> {
  /** The sandboxes users have now. */
  sandboxes: Iterable<T>;
  /** Other sandboxes being provisioned that will take a slot too. */
  startingElsewhere: number;
  /** SANDBOX_MAX. */
  max: number;
}

/** `room`: go ahead. `evict`: retire this one first. `full`: refuse, every sandbox is busy. */
export type CapacityDecision<T> = { kind: 'room' } | { kind: 'evict'; sandbox: T } | { kind: 'full'; retryAfterSeconds: number };

/** Seconds a refused user is told to wait: statements are short, an idle slot comes soon. */
export const FULL_RETRY_AFTER_SECONDS = 30;

/**
 * Whether a new sandbox fits under SANDBOX_MAX, and if not, which one makes room: the least
 * recently used idle sandbox. A busy one (a statement running) is never evicted.
 */
export function capacityDecision<T extends CapacityCandidate>(input: CapacityInput<T>): CapacityDecision<T> {
  let count = input.startingElsewhere;
  let lru: T | undefined;
  for (const sb of input.sandboxes) {
    count++;
    if (sb.active === 0 && !sb.gone && (!lru || sb.lastUsedAt < lru.lastUsedAt)) lru = sb;
  }
  if (count < input.max) return { kind: 'room' };
  return lru ? { kind: 'evict', sandbox: lru } : { kind: 'full', retryAfterSeconds: FULL_RETRY_AFTER_SECONDS };
}
