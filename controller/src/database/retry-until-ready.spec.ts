import { ManualClock } from '../../test/support/fakes';
import { retryUntilReady } from './retry-until-ready';

const flush = () => new Promise((r) => setImmediate(r));
const coded = (code: string) => Object.assign(new Error(code), { code });

/**
 * Moves the clock 50 ms at a time (the longest wait between tries), letting each retry run, until
 * `p` settles or `ms` have passed. ManualClock's scheduler only moves to the timers it runs, so
 * a step must reach the next one.
 */
async function advance(clock: ManualClock, ms: number, p: Promise<unknown>): Promise<void> {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let t = 0; t < ms && !settled; t += 50) {
    await flush();
    clock.advance(50);
  }
  await flush();
}

describe(retryUntilReady.name, () => {
  it('retries on the clock until an attempt succeeds', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const p = retryUntilReady(
      clock,
      1000,
      async () => (++attempts < 4 ? Promise.reject(coded('ENOENT')) : 'open'),
      () => false,
    );
    await advance(clock, 200, p);
    await expect(p).resolves.toBe('open');
    expect(attempts).toBe(4);
  });

  it('gives up after the timeout with the last error, in virtual time', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const p = retryUntilReady(
      clock,
      300,
      async () => Promise.reject(coded(++attempts > 2 ? '57P03' : 'ENOENT')),
      () => false,
    );
    await advance(clock, 1000, p);
    await expect(p).rejects.toThrow('sandbox did not accept connections within 300 ms: 57P03');
    // One try per wait, not a busy loop; and not the first try only.
    expect(attempts).toBeGreaterThan(2);
    expect(attempts).toBeLessThan(10);
  });

  it('stops at once on an error waiting would not mend', async () => {
    const clock = new ManualClock();
    const fatal = new Error('tampered');
    let attempts = 0;
    const p = retryUntilReady(
      clock,
      1000,
      async () => Promise.reject((attempts++, fatal)),
      (e) => e === fatal,
    );
    await expect(p).rejects.toBe(fatal);
    expect(attempts).toBe(1);
  });
});
