/** Bounded concurrency with two priorities: a user waiting goes before a pool refill. */
export class Semaphore {
  private active = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly background: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>, urgent = true): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => (urgent ? this.urgent : this.background).push(resolve));
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      const next = this.urgent.shift() ?? this.background.shift();
      if (next) next();
      else this.active--;
    }
  }

  get waiting(): number {
    return this.urgent.length + this.background.length;
  }
}
