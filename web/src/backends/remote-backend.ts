import type { ApiClient } from '../api/client';
import type { Backend, ExecOutcome } from './backend';

/** The user's own Postgres container, through the controller. */
export class RemoteBackend implements Backend {
  readonly kind = 'remote' as const;
  constructor(
    private readonly api: ApiClient,
    /** Told after each call (the status bar refreshes); not awaited, and it handles its own failures. */
    private readonly onActivity: () => void | Promise<void> = () => undefined,
    /** Told the X-Sandbox-Restored header when a run woke the user's saved database first. */
    private readonly onRestored: (header: string) => void = () => undefined,
  ) {}

  async exec(sql: string, session: string): Promise<ExecOutcome> {
    try {
      const { results, replaced, restored } = await this.api.exec(sql, session);
      if (restored) this.onRestored(restored);
      if (!replaced) return { results };
      // The controller also puts the reason in the first statement's notices: show it once, as a banner.
      const first = results[0];
      if (first?.notices) first.notices = first.notices.filter((n) => n.message !== replaced);
      if (first?.notices?.length === 0) delete first.notices;
      return { results, notices: [`Real Postgres: ${replaced}.`] };
    } finally {
      void this.onActivity();
    }
  }

  async reset(): Promise<void> {
    await this.api.reset();
    void this.onActivity();
  }

  async cancel(session: string): Promise<void> {
    await this.api.cancel(session);
  }

  dispose(): void {}
}
