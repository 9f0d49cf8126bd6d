import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { constants, Dirent } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ArchiveCorruptError, ArchiveMissingError, ArchiveStore, StoredArchive } from './archive-store';
import { boundedChunks } from './bounded-chunks';
import { InvalidArchiveKeyError, isArchiveKey, newArchiveKey, UNFINISHED_AFTER_MS, userDirOf } from './archive-keys';

const TEMP_PREFIX = '.tmp-';
const SHARD = /^[0-9a-f]{2}$/;
const USER = /^[0-9a-f]{16}$/;

/** SANDBOX_ARCHIVE_DIR cannot be created or written: the controller refuses to start. */
export class ArchiveDirError extends Error {
  constructor(dir: string, cause: unknown) {
    super(
      `SANDBOX_ARCHIVE_DIR ${dir} cannot be used (${(cause as Error).message}): hibernated databases could not be saved. ` +
        'Create it writable by the controller, or point SANDBOX_ARCHIVE_DIR at a directory that is.',
    );
  }
}

/**
 * Archives as files under SANDBOX_ARCHIVE_DIR (layout in archive-keys.ts), directories 0700 and
 * files 0600, owned by the controller's user (root). The bytes are written as they arrive: the
 * caller streams `pg_dump -Fc -Z zstd:1` output, already compressed, so compressing again would
 * cost CPU for nothing. Durable before it resolves: temp file, fsync, rename, fsync directory.
 */
@Injectable()
export class FsArchiveStore extends ArchiveStore implements OnModuleInit {
  private readonly root: string;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
    this.root = resolve(config.archiveDir);
  }

  /** Creates the directory (0700) and proves it writable, or stops the start with a clear message. */
  async onModuleInit(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      if (((await stat(this.root)).mode & 0o077) !== 0) await chmod(this.root, 0o700);
      const probe = join(this.root, `${TEMP_PREFIX}probe-${randomBytes(6).toString('hex')}`);
      const fh = await open(probe, 'wx', 0o600);
      await fh.close();
      await unlink(probe);
    } catch (e) {
      throw new ArchiveDirError(this.root, e);
    }
  }

  async write(userId: string, source: Readable, maxBytes: number): Promise<StoredArchive> {
    const key = newArchiveKey(userId, new Date(this.clock.now()));
    const dir = join(this.root, userDirOf(userId));
    const { fh, temp } = await this.createTemp(dir);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      try {
        for await (const buf of boundedChunks(source, maxBytes)) {
          bytes += buf.length;
          hash.update(buf);
          await fh.write(buf);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, join(this.root, key));
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    await fsyncDir(dir);
    return { key, bytes, sha256: hash.digest('hex') };
  }

  async open(key: string, expected: { bytes: number; sha256: string }): Promise<Readable> {
    const path = this.pathOf(key);
    // One descriptor for the check and the read: what is returned is exactly what was checked.
    const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new ArchiveMissingError(key) : e;
    });
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new ArchiveCorruptError(key, 'not a regular file');
      if (st.size !== expected.bytes) throw new ArchiveCorruptError(key, `size ${st.size} ≠ recorded ${expected.bytes}`);
      const hash = createHash('sha256');
      for await (const chunk of fh.createReadStream({ start: 0, autoClose: false })) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== expected.sha256) throw new ArchiveCorruptError(key, 'sha256 mismatch');
      return fh.createReadStream({ start: 0, autoClose: true });
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async remove(key: string): Promise<void> {
    const path = this.pathOf(key);
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    // Empty user and shard directories go too, so expired users leave nothing; a write racing
    // with this recreates them (createTemp retries).
    for (const d of [dirname(path), dirname(dirname(path))])
      if (
        !(await rmdir(d).then(
          () => true,
          () => false,
        ))
      )
        break;
  }

  async list(): Promise<{ key: string; bytes: number; modifiedAt: Date }[]> {
    const out: { key: string; bytes: number; modifiedAt: Date }[] = [];
    for (const rel of await this.userDirs()) {
      for (const e of await entries(join(this.root, rel))) {
        const key = `${rel}/${e.name}`;
        if (!e.isFile() || !isArchiveKey(key)) continue;
        const st = await lstat(join(this.root, key)).catch(() => null);
        if (st) out.push({ key, bytes: st.size, modifiedAt: new Date(st.mtimeMs) });
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async removeUnfinished(): Promise<number> {
    const before = this.clock.now() - UNFINISHED_AFTER_MS;
    let removed = 0;
    for (const rel of ['', ...(await this.userDirs())]) {
      for (const e of await entries(join(this.root, rel))) {
        if (!e.isFile() || !e.name.startsWith(TEMP_PREFIX)) continue;
        const path = join(this.root, rel, e.name);
        const st = await lstat(path).catch(() => null);
        if (
          st &&
          st.mtimeMs < before &&
          (await unlink(path).then(
            () => true,
            () => false,
          ))
        )
          removed++;
      }
    }
    return removed;
  }

  /** Strict: the key's shape, then the resolved path must stay inside the archive directory. */
  private pathOf(key: string): string {
    if (!isArchiveKey(key)) throw new InvalidArchiveKeyError(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new InvalidArchiveKeyError(key);
    return path;
  }

  private async createTemp(dir: string) {
    for (let attempt = 0; ; attempt++) {
      const created = await mkdir(dir, { recursive: true, mode: 0o700 });
      // A new directory's entry must reach the disk too, or a crash could lose a renamed archive.
      if (created) for (let d = dir; d !== this.root && d.startsWith(this.root); d = dirname(d)) await fsyncDir(dirname(d));
      const temp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      try {
        return { fh: await open(temp, 'wx', 0o600), temp };
      } catch (e) {
        // remove() pruned the directory between our mkdir and open: make it again.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw e;
      }
    }
  }

  private async userDirs(): Promise<string[]> {
    const out: string[] = [];
    for (const s of await entries(this.root)) {
      if (!s.isDirectory() || !SHARD.test(s.name)) continue;
      for (const u of await entries(join(this.root, s.name)))
        if (u.isDirectory() && USER.test(u.name) && u.name.startsWith(s.name)) out.push(`${s.name}/${u.name}`);
    }
    return out;
  }
}

async function entries(dir: string): Promise<Dirent[]> {
  return readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
