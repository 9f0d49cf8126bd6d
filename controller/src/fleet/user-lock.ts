import { Injectable } from '@nestjs/common';

/**
 * One queue per key (a user's container name): provisioning, reset, removal and adoption of one
 * user run one after another, different users side by side. A failed step does not block the next.
 */
@Injectable()
export class UserLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** Keys with work queued or running (for tests: the map must not grow without bound). */
  get held(): number {
    return this.tails.size;
  }
}
