import type { SandboxConnection } from '../database/sandbox-connection';
import type { SandboxConnector } from '../database/sandbox-connector';
import type { ContainerInfo } from '../runtime/container-runtime';

/**
 * How long a running container found at start-up gets to accept a connection. One that was
 * answering before the restart answers in milliseconds; one that does not (paused, its database
 * closed to connections, wedged) must not hold up anyone but its own user.
 */
export const ADOPT_READY_MS = 3000;
/** Adoptions at once at start-up; a request for a user runs that user's adoption at once. */
export const ADOPT_CONCURRENCY = 4;
/** Longest a request waits for the start-up listing of containers before going ahead. */
export const LISTING_WAIT_MS = 10_000;

/** Errors that mean the server is not up yet (no socket, refused, starting), not that it is wedged. */
export function isStillStarting(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === '57P03';
}

/**
 * An open connection to a container found at start-up, or an error, within ADOPT_READY_MS —
 * except that a container created less than `readyTimeoutMs` ago that is plainly still starting
 * (the controller died while provisioning it) gets the rest of the usual start bound. Each
 * attempt is hard-bounded too: a frozen server accepts the socket and never answers; a
 * connection that opens too late is closed.
 */
export async function adoptionConnection(
  connector: SandboxConnector,
  info: ContainerInfo,
  readyTimeoutMs: number,
): Promise<SandboxConnection> {
  const began = Date.now();
  const shortDeadline = began + ADOPT_READY_MS;
  const startDeadline = Math.max(shortDeadline, info.createdAt.getTime() + readyTimeoutMs);
  let delay = 10;
  for (;;) {
    const left = shortDeadline - Date.now();
    try {
      return await within(connector.connect(info.endpoint, 'sandbox'), Math.max(left, 50));
    } catch (e) {
      const deadline = isStillStarting(e) ? startDeadline : shortDeadline;
      if (Date.now() + delay >= deadline) {
        throw new Error(`${(e as Error).message} (after ${Math.round((Date.now() - began) / 100) / 10} s)`, { cause: e });
      }
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(100, delay * 2);
  }
}

async function within(attempt: Promise<SandboxConnection>, ms: number): Promise<SandboxConnection> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the server accepted the connection but did not answer')), ms);
  });
  try {
    return await Promise.race([attempt, late]);
  } catch (e) {
    // A connection that answers after we gave up is closed; nobody holds it, so nothing to report
    // if it fails. The attempt's own failure is the timeout thrown below.
    attempt.then(
      (c) => c.end().catch(() => undefined),
      () => undefined,
    );
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** What the user is told on their next exec when their sandbox could not be taken over. */
export function unusableNotice(cause: string): string {
  return `your previous sandbox could not be taken over after a controller restart (${cause}) and was replaced with a fresh one; its data is gone`;
}

interface Job {
  opened: boolean;
  counted: boolean;
  open(): void;
  done: Promise<void>;
}

/**
 * Start-up adoptions, at most `limit` at a time, in the order found; `hurry(name)` runs one at
 * once, past the limit, for the request that waits on it — so a user waits for their own
 * adoption only, never for a queue of slow ones ahead of it.
 */
export class AdoptionQueue {
  private readonly queue: Job[] = [];
  private readonly jobs = new Map<string, Job>();
  private active = 0;

  constructor(private readonly limit = ADOPT_CONCURRENCY) {}

  /** Queues `work` under `name`; the promise settles when it has run (it never rejects). */
  add(name: string, work: () => Promise<void>): Promise<void> {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job: Job = {
      opened: false,
      counted: false,
      open: () => {
        if (job.opened) return;
        job.opened = true;
        release();
      },
      done: Promise.resolve(),
    };
    job.done = gate
      .then(work)
      .catch(() => undefined)
      .finally(() => {
        if (this.jobs.get(name) === job) this.jobs.delete(name);
        if (job.counted) {
          this.active--;
          this.pump();
        }
      });
    this.jobs.set(name, job);
    this.queue.push(job);
    this.pump();
    return job.done;
  }

  /** Runs the named job now if it is still waiting; resolves when it is done (at once if none). */
  hurry(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) return Promise.resolve();
    job.open();
    return job.done;
  }

  get pending(): number {
    return this.jobs.size;
  }

  private pump(): void {
    while (this.active < this.limit && this.queue.length) {
      const job = this.queue.shift() as Job;
      if (job.opened) continue; // hurried: already running, outside the limit
      job.counted = true;
      this.active++;
      job.open();
    }
  }
}
