/**
 * The controller's state that must outlive it (issue 11): which users are hibernated, their
 * archives (the hibernation archive and named checkpoints) and when each user last used their
 * sandbox (for retention). A port: PgControlStore keeps it in a real Postgres
 * (CONTROL_DATABASE_URL, or the embedded control container); a fake serves unit tests and the
 * contract suite keeps both honest. Open sessions are the only user state kept only in memory.
 */
import { DomainError } from '../domain/errors';

/** `hibernation`: the one archive a user's database lives in while they have no container. */
export type ArchiveKind = 'hibernation' | 'checkpoint';

export interface ArchiveRecord {
  userId: string;
  kind: ArchiveKind;
  /** The checkpoint's name; `latest` for the hibernation archive. */
  name: string;
  /** Where the ArchiveStore keeps the bytes. Unique per write: a new archive never overwrites an old one. */
  key: string;
  bytes: number;
  /** Hex sha256 of the archive's bytes, checked before a restore. */
  sha256: string;
  /** When the database was saved. */
  createdAt: Date;
}

export interface UserRecord {
  userId: string;
  /** The user's database lives only in their hibernation archive: any container holding their name is stale. */
  hibernated: boolean;
  lastUsedAt: Date;
  /** Set when the last hibernate or wake failed (e.g. a damaged archive), for operators; cleared on success. */
  lastError?: string;
}

export abstract class ControlStore {
  /** Connects and applies pending migrations (idempotent; safe with several controllers). */
  abstract init(): Promise<void>;
  abstract close(): Promise<void>;
  /** Throws when the store cannot be reached. */
  abstract ping(): Promise<void>;

  /** Creates the user's record when missing; lastUsedAt only moves forward. */
  abstract recordUse(userId: string, at: Date): Promise<void>;
  abstract user(userId: string): Promise<UserRecord | null>;
  /** Every user with a record, or only the hibernated ones. */
  abstract users(filter?: { hibernated?: boolean }): Promise<UserRecord[]>;
  /** Users whose lastUsedAt is before `before` (retention). */
  abstract unusedSince(before: Date): Promise<UserRecord[]>;
  abstract setLastError(userId: string, error: string | undefined): Promise<void>;

  /**
   * In one transaction: records `archive` (replacing the record of the same user/kind/name) and,
   * when `hibernated` is given, sets the user's flag. Returns the record it replaced, whose bytes
   * the caller then deletes from the ArchiveStore.
   */
  abstract putArchive(archive: ArchiveRecord, hibernated?: boolean): Promise<ArchiveRecord | null>;
  abstract setHibernated(userId: string, hibernated: boolean): Promise<void>;
  abstract archive(userId: string, kind: ArchiveKind, name: string): Promise<ArchiveRecord | null>;
  /** The user's archives (or everyone's), oldest first. */
  abstract archives(userId?: string): Promise<ArchiveRecord[]>;
  /** Returns the removed record (its bytes are the caller's to delete), or null. */
  abstract deleteArchive(userId: string, kind: ArchiveKind, name: string): Promise<ArchiveRecord | null>;
  /** Removes the user's record and all their archive records; returns the archive records removed. */
  abstract deleteUser(userId: string): Promise<ArchiveRecord[]>;
}

/** The control database cannot be reached (down, restarting, refusing connections): 503, try again. */
export class ControlStoreUnavailableError extends DomainError {
  constructor(detail: string) {
    super(`control database unreachable: ${detail}`, {
      status: 503,
      retryAfterSeconds: 5,
      alert: 'control database unreachable',
      publicMessage:
        'The sandbox service cannot reach its control database right now, so nothing was changed. ' +
        'Try again in a few seconds; operators: check the control database (GET /healthz).',
    });
  }
}
