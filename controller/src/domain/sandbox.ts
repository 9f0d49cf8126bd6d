import type { SandboxConnection } from '../database/sandbox-connection';
import type { SandboxEndpoint } from '../runtime/container-runtime';

/** How a user got their container: from the warm pool, started for them, or found at start-up. */
export type ProvisionSource = 'pool' | 'cold' | 'adopted';

/** What a wake (or a reset to a checkpoint) restored, told to the user once. */
export interface WakeReport {
  savedAt: Date;
  bytes: number;
  ms: number;
  /** The checkpoint's name; undefined for the hibernation archive. */
  name?: string;
}

/** A user's running container, as the controller tracks it. */
export class Sandbox {
  active = 0;
  gone = false;
  lastUsedAt: number;
  /** The connection that proved readiness; the first session takes it. */
  warmClient?: SandboxConnection;
  /** Once gone: what happened to it, as the end of "the sandbox …" (for a statement it cut short). */
  endedBecause?: string;
  /** Being saved for hibernation: new requests wait for the user's lock instead of using it. */
  hibernating = false;
  /** When its database was last saved to (or restored from) the user's latest archive; autosave counts from it. */
  lastSavedAt?: number;
  /** Set when this container's database was restored from an archive; the next exec reports it. */
  restored?: WakeReport;
  /** The swarm node it runs on (undefined on one engine): operators see it in `sandboxctl ls`. */
  node?: string;

  constructor(
    readonly name: string,
    readonly containerId: string,
    readonly endpoint: SandboxEndpoint,
    readonly createdAt: number,
    readonly imageId: string,
    readonly claimedAt: number,
    readonly source: ProvisionSource,
    public userId: string | undefined,
  ) {
    this.lastUsedAt = claimedAt;
  }

  get state(): 'ready' | 'busy' {
    return this.active > 0 ? 'busy' : 'ready';
  }

  takeWarmClient(): SandboxConnection | undefined {
    const c = this.warmClient;
    this.warmClient = undefined;
    return c;
  }
}
