import { Readable } from 'node:stream';
import { AppConfig, loadConfig } from '../config/app-config';
import { ContainerNotFoundError } from '../runtime/container-runtime';
import { FakeArchiveStore } from '../../test/support/fake-archive-store';
import { FakeRuntime } from '../../test/support/fakes';
import { ExecArchiveTools } from './exec-archive-tools';
import { ArchiveToolError, SandboxArchiver } from './sandbox-archiver';

describe(SandboxArchiver.name, () => {
  const config: AppConfig = loadConfig({});
  let runtime: FakeRuntime;
  let store: FakeArchiveStore;
  let sut: SandboxArchiver;
  let id: string;
  beforeEach(async () => {
    runtime = new FakeRuntime();
    store = new FakeArchiveStore();
    sut = new SandboxArchiver(config, new ExecArchiveTools(runtime), store);
    id = (await runtime.start({ name: 'u', image: 'i', labels: {}, memoryBytes: 1, dataBytes: 1, cpus: 1, pidsLimit: 16 })).id;
  });

  it('saves what pg_dump writes and checks it reads back', async () => {
    const saved = await sut.save(id, 'ada', 1 << 20);
    expect(saved.bytes).toBeGreaterThan(0);
    expect((await store.list()).map((a) => a.key)).toEqual([saved.key]);
  });

  it('a table of contents over the cap is a clear 422, not a crash, and leaves nothing stored (attacker: 32 MiB TOC)', async () => {
    const fallback = runtime.execHandler;
    runtime.execHandler = async (cid, argv, stdin) =>
      argv.includes('-l') ? { stdout: Buffer.alloc(33 * 1024 * 1024, 0x41), exitCode: 0 } : fallback(cid, argv, stdin);
    await expect(sut.save(id, 'ada', 1 << 20)).rejects.toBeInstanceOf(ArchiveToolError);
    expect(await store.list()).toEqual([]);
  });

  it('a container gone before pg_dump starts fails the save at once (attacker: a save raced with a reset hung forever)', async () => {
    await runtime.remove(id);
    await expect(sut.save(id, 'ada', 1 << 20)).rejects.toBeInstanceOf(ArchiveToolError);
    expect(await store.list()).toEqual([]);
  });

  it("the engine failing mid-restore is the user's clear 422, not a 500", async () => {
    const saved = await sut.save(id, 'ada', 1 << 20);
    const fallback = runtime.execHandler;
    runtime.execHandler = async (cid, argv, stdin) => {
      if (argv[0] === '/usr/local/bin/pgsbx-restore') throw new ContainerNotFoundError(cid);
      return fallback(cid, argv, stdin);
    };
    await expect(sut.restore(id, saved)).rejects.toMatchObject({
      status: 422,
      publicMessage: expect.stringMatching(/could not be restored/),
    });
    expect(Readable).toBeDefined();
  });
});
