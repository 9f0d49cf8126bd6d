import { createHash, randomBytes } from 'node:crypto';

/**
 * The one rule for archive keys, shared by FsArchiveStore and the fake so both refuse the same
 * keys: `<2 hex>/<16 hex>/<ISO basic time>-<12 hex>.pgdump`, where the two directories are the
 * first 2 and 16 hex digits of sha256(userId). The user id itself never appears in a path (it
 * may hold any character); time and randomness make every write's key new, so a write never
 * overwrites an archive a record still points at.
 */
/** A temporary file (or fake write) untouched this long belongs to a write that will never finish. */
export const UNFINISHED_AFTER_MS = 60_000;

const KEY = /^([0-9a-f]{2})\/([0-9a-f]{16})\/\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{12}\.pgdump$/;

/** `<shard>/<user>`: the directory a user's archives live in. */
export function userDirOf(userId: string): string {
  const h = createHash('sha256').update(userId, 'utf8').digest('hex');
  return `${h.slice(0, 2)}/${h.slice(0, 16)}`;
}

export function newArchiveKey(userId: string, now: Date): string {
  // ISO 8601 basic format: no ':' in file names (backup tools and other filesystems dislike it).
  const time = now.toISOString().replace(/[-:]/g, '');
  return `${userDirOf(userId)}/${time}-${randomBytes(6).toString('hex')}.pgdump`;
}

/** Keys come from the control store, yet are checked as if hostile: no `..`, no absolute path. */
export function isArchiveKey(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const m = KEY.exec(key);
  return m !== null && m[2].startsWith(m[1]);
}

export class InvalidArchiveKeyError extends Error {
  constructor(key: unknown) {
    super(`not an archive key: ${JSON.stringify(String(key)).slice(0, 120)}`);
  }
}
