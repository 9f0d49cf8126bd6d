import { createHash } from 'node:crypto';

export interface CauseSighting {
  /** Short, stable id of the cause: where the error was thrown (its name and top frames). */
  cause: string;
  /** True the first time this cause is seen: log it in full, stack and all. */
  first: boolean;
  /** Sightings since the cause was last reported, when it is due again (else 0). */
  repeats: number;
}

const MAX_CAUSES = 1000;

/**
 * Remembers which unknown errors have been logged, so a request that trips over the same bug
 * again and again logs one stack, then a count at most once per `repeatEveryMs`, not a stack
 * per request.
 */
export class ErrorCauses {
  private readonly seen = new Map<string, { count: number; reportedAt: number }>();

  constructor(
    private readonly repeatEveryMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  sight(e: unknown): CauseSighting {
    const cause = causeOf(e);
    const entry = this.seen.get(cause);
    if (!entry) {
      if (this.seen.size >= MAX_CAUSES) this.seen.clear();
      this.seen.set(cause, { count: 0, reportedAt: this.now() });
      return { cause, first: true, repeats: 0 };
    }
    entry.count++;
    if (this.now() - entry.reportedAt < this.repeatEveryMs) return { cause, first: false, repeats: 0 };
    const repeats = entry.count;
    entry.count = 0;
    entry.reportedAt = this.now();
    return { cause, first: false, repeats };
  }
}

function causeOf(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => l.trimStart().startsWith('at '))
    .slice(0, 3)
    .join('\n');
  // Without frames the message is all there is; with them, the place is the cause (messages vary).
  const key = `${err.name}\n${frames || err.message}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
