import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ArchiveCorruptError, ArchiveMissingError, ArchiveQuotaError, ArchiveStore } from '../../src/archive/archive-store';

/** What the contract runs against: a store, and ways to do behind its back what a disk or a crash does. */
export interface ArchiveStoreTarget {
  store: ArchiveStore;
  /** Changes the stored bytes of `key` as damage on disk would. */
  damage(key: string, change: (data: Buffer) => Buffer): Promise<void>;
  /** The stored bytes of `key` vanish. */
  lose(key: string): Promise<void>;
  /** Leaves what a crash in the middle of a write for `userId` leaves, last written `ageMs` ago. */
  leaveUnfinished(userId: string, ageMs: number): Promise<void>;
  /** How many leftovers of unfinished writes there are. */
  unfinished(): Promise<number>;
}

const MiB = 1024 * 1024;

/** `size` pseudo-random bytes in chunks of 64 KiB, so nothing compresses or repeats by accident. */
function payload(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}
const chunked = (data: Buffer) =>
  Readable.from(Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536)));

/** A source that sends `good` bytes and then fails, as pg_dump dying midway does. */
function failingAfter(good: Buffer, error: Error): Readable {
  return Readable.from(
    (async function* () {
      yield good;
      throw error;
    })(),
  );
}

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The ArchiveStore contract, run against FakeArchiveStore and FsArchiveStore on a real directory
 * (both in the unit project): unit tests of hibernation may rely on whatever the fake does here.
 */
export function archiveStoreContract(target: () => ArchiveStoreTarget): void {
  const store = () => target().store;

  it('gives back exactly the bytes written, with their size and sha256', async () => {
    const data = payload(MiB + 12345);
    const saved = await store().write('alice', chunked(data), 2 * MiB);
    expect(saved).toEqual({ key: expect.any(String), bytes: data.length, sha256: sha256(data) });
    expect((await readAll(await store().open(saved.key, saved))).equals(data)).toBe(true);
    expect(await store().list()).toEqual([{ key: saved.key, bytes: data.length, modifiedAt: expect.any(Date) }]);
  });

  it('never puts the user id in a key, whatever characters it holds', async () => {
    for (const user of ['alice', '../../etc', 'a/b c', 'ü\u0000x']) {
      const { key } = await store().write(user, Readable.from([Buffer.from('x')]), 10);
      expect(key).not.toContain(user);
      expect(key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{16}\/[0-9TZ.]+-[0-9a-f]{12}\.pgdump$/);
    }
  });

  it('accepts exactly maxBytes; one byte more is ArchiveQuotaError and leaves nothing behind', async () => {
    const ok = await store().write('alice', chunked(payload(1000)), 1000);
    expect(ok.bytes).toBe(1000);
    await store().remove(ok.key);
    const source = chunked(payload(300_000));
    await expect(store().write('alice', source, 200_000)).rejects.toBeInstanceOf(ArchiveQuotaError);
    expect(source.destroyed).toBe(true);
    expect(await store().list()).toEqual([]);
    expect(await target().unfinished()).toBe(0);
  });

  it('a source that fails midway rejects with its error and leaves nothing behind', async () => {
    const boom = new Error('pg_dump exited with 1');
    await expect(store().write('alice', failingAfter(payload(100_000), boom), MiB)).rejects.toBe(boom);
    expect(await store().list()).toEqual([]);
    expect(await target().unfinished()).toBe(0);
  });

  it('one flipped byte: open rejects ArchiveCorruptError (sha256 mismatch) and returns no bytes', async () => {
    const saved = await store().write('alice', chunked(payload(70_000)), MiB);
    await target().damage(saved.key, (d) => {
      d[50_000] ^= 0x01;
      return d;
    });
    const err = await store()
      .open(saved.key, saved)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveCorruptError);
    expect((err as Error).message).toBe(`archive ${saved.key} failed its check: sha256 mismatch`);
  });

  it('a truncated archive is corrupt, and the message says by how much', async () => {
    const saved = await store().write('alice', chunked(payload(70_000)), MiB);
    await target().damage(saved.key, (d) => d.subarray(0, 69_999));
    await expect(store().open(saved.key, saved)).rejects.toThrow(new ArchiveCorruptError(saved.key, 'size 69999 ≠ recorded 70000'));
  });

  it('a vanished archive is ArchiveMissingError; remove is idempotent', async () => {
    const saved = await store().write('alice', chunked(payload(10)), MiB);
    await target().lose(saved.key);
    await expect(store().open(saved.key, saved)).rejects.toBeInstanceOf(ArchiveMissingError);
    await store().remove(saved.key);
    await store().remove(saved.key);
    expect(await store().list()).toEqual([]);
  });

  it('after remove, the archive is gone from list and open', async () => {
    const a = await store().write('alice', chunked(payload(10, 1)), MiB);
    const b = await store().write('alice', chunked(payload(10, 2)), MiB);
    await store().remove(a.key);
    expect((await store().list()).map((e) => e.key)).toEqual([b.key]);
    await expect(store().open(a.key, a)).rejects.toBeInstanceOf(ArchiveMissingError);
    expect((await readAll(await store().open(b.key, b))).equals(payload(10, 2))).toBe(true);
  });

  it.each([
    '../x',
    '/etc/passwd',
    'a/../../b',
    '',
    'ab/abcdef0123456789/../../../../etc/passwd',
    'ab/cdcdef0123456789/20260101T000000.000Z-0123456789ab.pgdump',
  ])('refuses the hostile key %j for open and remove', async (key) => {
    await expect(store().open(key, { bytes: 0, sha256: sha256(Buffer.alloc(0)) })).rejects.toThrow(/not an archive key/);
    await expect(store().remove(key)).rejects.toThrow(/not an archive key/);
  });

  it('concurrent writes for one user get distinct keys, each whole', async () => {
    const data = [1, 2, 3, 4, 5, 6].map((seed) => payload(50_000, seed));
    const saved = await Promise.all(data.map((d) => store().write('alice', chunked(d), MiB)));
    expect(new Set(saved.map((s) => s.key)).size).toBe(data.length);
    for (const [i, s] of saved.entries()) expect((await readAll(await store().open(s.key, s))).equals(data[i])).toBe(true);
    expect((await store().list()).map((e) => e.key).sort()).toEqual(saved.map((s) => s.key).sort());
  });

  it('removeUnfinished removes only what crashed writes left more than a minute ago', async () => {
    const kept = await store().write('alice', chunked(payload(10)), MiB);
    await target().leaveUnfinished('alice', 2 * 60_000);
    await target().leaveUnfinished('bob', 10 * 60_000);
    await target().leaveUnfinished('alice', 10_000);
    expect(await store().removeUnfinished()).toBe(2);
    expect(await target().unfinished()).toBe(1);
    expect((await store().list()).map((e) => e.key)).toEqual([kept.key]);
  });
}
