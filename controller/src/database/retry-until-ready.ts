import { Clock } from '../common/clock';

/**
 * Calls `attempt` until it succeeds, waiting 5, 10, 20, 40, then 50 ms between tries on `clock`,
 * for at most `timeoutMs`; an error that `isFinal` picks ends it at once (waiting would not help).
 */
export async function retryUntilReady<T>(
  clock: Clock,
  timeoutMs: number,
  attempt: () => Promise<T>,
  isFinal: (e: unknown) => boolean,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  let delay = 5;
  let last: unknown;
  while (clock.now() < deadline) {
    try {
      return await attempt();
    } catch (e) {
      if (isFinal(e)) throw e;
      last = e;
    }
    await new Promise<void>((resolve) => clock.scheduler.schedule(() => resolve(), delay));
    delay = Math.min(50, delay * 2);
  }
  throw new Error(`sandbox did not accept connections within ${timeoutMs} ms: ${(last as Error)?.message}`);
}
