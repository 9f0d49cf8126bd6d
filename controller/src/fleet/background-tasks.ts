import { Injectable } from '@nestjs/common';

/** Work the fleet starts and does not wait for (removals, pool starts); settle() waits for all of it. */
@Injectable()
export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  track(p: Promise<unknown>): void {
    this.running.add(p);
    p.finally(() => this.running.delete(p)).catch(() => undefined);
  }

  /** Waits for background work, including work it starts meanwhile (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
