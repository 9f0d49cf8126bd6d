import { mkdtempSync, rmSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Clock } from '../common/clock';
import { loadConfig } from '../config/app-config';
import { archiveStoreContract } from '../../test/support/archive-store.contract';
import { userDirOf } from './archive-keys';
import { ArchiveDirError, FsArchiveStore } from './fs-archive-store';

/** Every file under `dir`, relative, with its mode (what an operator's `ls -laR` shows). */
async function tree(dir: string, rel = ''): Promise<{ path: string; mode: number }[]> {
  const out: { path: string; mode: number }[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    out.push({ path, mode: (await stat(join(dir, path))).mode & 0o777 });
    if (e.isDirectory()) out.push(...(await tree(dir, path)));
  }
  return out;
}

// FsArchiveStore on a real temporary directory: the real filesystem, fast enough for the unit project.
describe(FsArchiveStore.name, () => {
  let base: string;
  let dir: string;
  let sut: FsArchiveStore;
  const make = (archiveDir: string) =>
    new FsArchiveStore(loadConfig({ SANDBOX_PREFIX: 'p', SANDBOX_ARCHIVE_DIR: archiveDir }), new Clock());

  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'pgsbx-archive-spec-'));
    dir = join(base, 'archives');
    sut = make(dir);
    await sut.onModuleInit();
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  describe('keeps the ArchiveStore contract', () => {
    archiveStoreContract(() => ({
      store: sut,
      damage: async (key, change) => writeFile(join(dir, key), change(await readFile(join(dir, key)))),
      lose: (key) => unlink(join(dir, key)),
      leaveUnfinished: async (user, ageMs) => {
        await mkdir(join(dir, userDirOf(user)), { recursive: true });
        const path = join(dir, userDirOf(user), `.tmp-crashed${Math.random().toString(16).slice(2)}`);
        await writeFile(path, 'half a dump');
        const at = new Date(Date.now() - ageMs);
        await utimes(path, at, at);
      },
      unfinished: async () => (await tree(dir)).filter((f) => f.path.split('/').pop()!.startsWith('.tmp-')).length,
    }));
  });

  it('keeps directories 0700 and archives 0600, and only archives once writes finish', async () => {
    const { key } = await sut.write('alice', Readable.from([Buffer.from('dump')]), 100);
    const files = await tree(dir);
    expect(files).toEqual([
      { path: key.slice(0, 2), mode: 0o700 },
      { path: key.slice(0, 19), mode: 0o700 },
      { path: key, mode: 0o600 },
    ]);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('removing a user’s last archive leaves no empty directories, and a later write recreates them', async () => {
    const a = await sut.write('alice', Readable.from([Buffer.from('dump')]), 100);
    await sut.remove(a.key);
    expect(await readdir(dir)).toEqual([]);
    const b = await sut.write('alice', Readable.from([Buffer.from('dump')]), 100);
    expect((await sut.list()).map((e) => e.key)).toEqual([b.key]);
  });

  it('ignores files in the directory that are not archives', async () => {
    await writeFile(join(dir, 'README'), 'operator notes');
    await mkdir(join(dir, 'zz'));
    expect(await sut.list()).toEqual([]);
  });

  it('tightens an existing archive directory that others could read', async () => {
    await chmod(dir, 0o755);
    await make(dir).onModuleInit();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('refuses to start, naming SANDBOX_ARCHIVE_DIR, when the directory cannot be created', async () => {
    await writeFile(join(base, 'a-file'), '');
    const bad = join(base, 'a-file', 'archives');
    const err = await make(bad)
      .onModuleInit()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveDirError);
    expect((err as Error).message).toMatch(new RegExp(`^SANDBOX_ARCHIVE_DIR ${bad} cannot be used \\(ENOTDIR`));
  });
});
