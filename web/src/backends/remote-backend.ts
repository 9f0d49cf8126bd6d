import type { ApiClient } from '../api/client';
import type { Backend, ExecOutcome } from './backend';

/**
 * The schema tree's own session, so it never runs inside the user's transaction; it takes one of
 * the controller's SANDBOX_MAX_SESSIONS (the session picker offers the others).
 */
export const TREE_SESSION = 'tree';

/** The user's own Postgres container, through the controller. */
export class RemoteBackend implements Backend {
  readonly kind = 'remote' as const;
  version?: string;
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

  readCatalog(sql: string): Promise<ExecOutcome> {
    return this.exec(sql, TREE_SESSION);
  }

  /**
   * Claims the sandbox and opens the session now (the toggle calls it), so the first Run does not
   * wait for a container or a connection; learns the server's version on the way.
   */
  async warmUp(session: string): Promise<void> {
    const { results } = await this.exec("select current_setting('server_version') as v", session);
    const first = results[0];
    const v = first && 'rows' in first ? first.rows?.[0]?.v : undefined;
    if (typeof v === 'string') this.version = v;
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
