import type { Readable } from 'node:stream';
import { DomainError } from '../domain/errors';

/**
 * Where hibernation archives and checkpoints are kept (issue 11): opaque bytes under keys the
 * store chooses. A port: FsArchiveStore writes files under SANDBOX_ARCHIVE_DIR; a fake serves unit
 * tests and the contract suite keeps both honest. Which key belongs to whom lives in the
 * ControlStore; the bytes travel through the controller, never through a sandbox host's path.
 */
export interface StoredArchive {
  key: string;
  bytes: number;
  /** Hex sha256 of exactly the bytes stored. */
  sha256: string;
}

export abstract class ArchiveStore {
  /**
   * Streams `source` into a new archive for `userId` and returns it once it is durable: written
   * to a temporary name, fsynced, renamed, directory fsynced. Rejects with ArchiveQuotaError (and
   * leaves nothing behind) when more than `maxBytes` arrive; with the source's error when it fails.
   */
  abstract write(userId: string, source: Readable, maxBytes: number): Promise<StoredArchive>;
  /**
   * Checks the archive's size and sha256 against what was recorded, then returns its bytes.
   * Rejects with ArchiveCorruptError or ArchiveMissingError; never returns bytes that fail the check.
   */
  abstract open(key: string, expected: { bytes: number; sha256: string }): Promise<Readable>;
  /** Idempotent. */
  abstract remove(key: string): Promise<void>;
  /** Every key with its size and modification time (for orphan clean-up and `sandboxctl storage`). */
  abstract list(): Promise<{ key: string; bytes: number; modifiedAt: Date }[]>;
  /** Removes temporary files left by writes that never finished (a crash); returns how many. */
  abstract removeUnfinished(): Promise<number>;
}

/** The user's saved databases would pass SANDBOX_ARCHIVE_MAX: 413, nothing replaced. */
export class ArchiveQuotaError extends DomainError {
  constructor(readonly limitBytes: number) {
    super(
      `Your saved databases would take more than the ${Math.round(limitBytes / 1048576)} MiB allowed per user ` +
        '(SANDBOX_ARCHIVE_MAX). Nothing was replaced: delete a checkpoint or drop data you do not need, then try again.',
      { status: 413 },
    );
  }
}

/** The archive's bytes do not match their checksum: nothing is restored, the operator is alerted. */
export class ArchiveCorruptError extends DomainError {
  constructor(key: string, detail: string) {
    super(`archive ${key} failed its check: ${detail}`, {
      status: 422,
      alert: 'damaged archive',
      publicMessage:
        'Your saved database failed its integrity check, so it was not restored and nothing was replaced. ' +
        'It is kept for an operator to look at; Reset starts an empty database.',
    });
  }
}

export class ArchiveMissingError extends DomainError {
  constructor(key: string) {
    super(`archive ${key} is missing`, {
      status: 422,
      alert: 'missing archive',
      publicMessage:
        'Your saved database could not be found, so it was not restored. An operator has been alerted; Reset starts an empty database.',
    });
  }
}
