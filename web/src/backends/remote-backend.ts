import type { ApiClient } from '../api/client';
import type { Backend, ExecOutcome } from './backend';

/** The user's own Postgres container, through the controller. */
export class RemoteBackend implements Backend {
  readonly kind = 'remote' as const;
  constructor(
    private readonly api: ApiClient,
    private readonly onActivity: () => void = () => undefined,
  ) {}

  async exec(sql: string, session: string): Promise<ExecOutcome> {
    try {
      const { results, replaced } = await this.api.exec(sql, session);
      return { results, notices: replaced ? [`Your previous sandbox stopped (${replaced}); this ran in a fresh one.`] : undefined };
    } finally {
      this.onActivity();
    }
  }

  async reset(): Promise<void> {
    await this.api.reset();
    this.onActivity();
  }

  async cancel(session: string): Promise<void> {
    await this.api.cancel(session);
  }

  dispose(): void {}
}
