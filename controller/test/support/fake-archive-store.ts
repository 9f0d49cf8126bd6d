import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Clock } from '../../src/common/clock';
import { InvalidArchiveKeyError, isArchiveKey, newArchiveKey, UNFINISHED_AFTER_MS } from '../../src/archive/archive-keys';
import { ArchiveCorruptError, ArchiveMissingError, ArchiveStore, StoredArchive } from '../../src/archive/archive-store';
import { boundedChunks } from '../../src/archive/bounded-chunks';

interface Entry {
  data: Buffer;
  modifiedAt: Date;
}

/**
 * ArchiveStore in memory, with FsArchiveStore's rules (the same keys, quota, checks), kept honest
 * by archive-store.contract.ts. A write in progress is an "unfinished" entry, as a temp file is.
 */
export class FakeArchiveStore extends ArchiveStore {
  readonly entries = new Map<string, Entry>();
  /** Writes in progress or left by a "crash": when each last wrote a byte. */
  readonly unfinished = new Map<number, number>();
  private seq = 0;

  constructor(private readonly clock: Clock = new Clock()) {
    super();
  }

  async write(userId: string, source: Readable, maxBytes: number): Promise<StoredArchive> {
    const key = newArchiveKey(userId, new Date(this.clock.now()));
    const temp = ++this.seq;
    this.unfinished.set(temp, this.clock.now());
    const chunks: Buffer[] = [];
    try {
      for await (const buf of boundedChunks(source, maxBytes)) {
        chunks.push(buf);
        this.unfinished.set(temp, this.clock.now());
      }
    } finally {
      this.unfinished.delete(temp);
    }
    const data = Buffer.concat(chunks);
    this.entries.set(key, { data, modifiedAt: new Date(this.clock.now()) });
    return { key, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  async open(key: string, expected: { bytes: number; sha256: string }): Promise<Readable> {
    const e = this.entries.get(checked(key));
    if (!e) throw new ArchiveMissingError(key);
    if (e.data.length !== expected.bytes) throw new ArchiveCorruptError(key, `size ${e.data.length} ≠ recorded ${expected.bytes}`);
    if (createHash('sha256').update(e.data).digest('hex') !== expected.sha256) throw new ArchiveCorruptError(key, 'sha256 mismatch');
    return Readable.from([Buffer.from(e.data)]);
  }

  async remove(key: string): Promise<void> {
    this.entries.delete(checked(key));
  }

  async list(): Promise<{ key: string; bytes: number; modifiedAt: Date }[]> {
    return [...this.entries]
      .map(([key, e]) => ({ key, bytes: e.data.length, modifiedAt: e.modifiedAt }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  async removeUnfinished(): Promise<number> {
    const before = this.clock.now() - UNFINISHED_AFTER_MS;
    let removed = 0;
    for (const [id, at] of this.unfinished) if (at < before && this.unfinished.delete(id)) removed++;
    return removed;
  }

  /** What a crash mid-write leaves: an unfinished write last touched `ageMs` ago. */
  leaveUnfinished(ageMs: number): void {
    this.unfinished.set(++this.seq, this.clock.now() - ageMs);
  }

  /** Test helper: the stored bytes change behind the store's back (disk damage). */
  damage(key: string, change: (data: Buffer) => Buffer): void {
    const e = this.entries.get(key);
    if (e) e.data = change(Buffer.from(e.data));
  }

  /** Test helper: an archive as old as a crash an hour ago would have left it. */
  age(key: string, ms: number): void {
    const e = this.entries.get(key);
    if (e) e.modifiedAt = new Date(e.modifiedAt.getTime() - ms);
  }
}

function checked(key: string): string {
  if (!isArchiveKey(key)) throw new InvalidArchiveKeyError(key);
  return key;
}
