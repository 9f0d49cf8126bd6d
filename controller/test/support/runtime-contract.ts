import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { ContainerNotFoundError, ContainerRuntime, NameConflictError, SandboxContainerSpec } from '../../src/runtime/container-runtime';

export interface RuntimeUnderContract {
  runtime: ContainerRuntime;
  image: string;
  /** Labels that mark this run's containers only. */
  labels: Record<string, string>;
  /** Container names this run may use start with this; `<namePrefix>-pool-…` are pool containers. */
  namePrefix: string;
  /**
   * What the engine cannot give the controller from where it runs (swarm: the socket and the
   * stats of a container on another node); the contract then expects an honest "none".
   */
  remote?: boolean;
}

/**
 * What the fleet relies on from a ContainerRuntime, written once and run against the fake (unit)
 * and against Docker (integration), so the fake cannot drift from the engine it stands in for.
 */
export function describeRuntimeContract(what: string, setUp: () => Promise<RuntimeUnderContract>, tearDown: () => Promise<void>): void {
  describe(`ContainerRuntime contract: ${what}`, () => {
    let sut: RuntimeUnderContract;
    const spec = (name: string): SandboxContainerSpec => ({
      name: `${sut.namePrefix}-${name}`,
      image: sut.image,
      labels: sut.labels,
      memoryBytes: 256 * 2 ** 20,
      dataBytes: 64 * 2 ** 20,
      cpus: 0.5,
      pidsLimit: 64,
    });

    beforeAll(async () => {
      sut = await setUp();
    });
    afterAll(tearDown);

    it('knows the sandbox image and not a made-up one', async () => {
      expect(await sut.runtime.imageId(sut.image)).toEqual(expect.any(String));
      expect(await sut.runtime.imageId('pgsbx-contract/no-such-image:0')).toBeNull();
    });

    it('starts a running container that inspect (by id and name) and list (by label) find', async () => {
      const info = await sut.runtime.start(spec('a'));
      expect(info).toMatchObject({ name: spec('a').name, running: true });
      // A remote runtime's sandbox answers over TCP (TLS), a local one's in a socket directory.
      if (sut.remote) expect(info.endpoint).toMatchObject({ kind: 'tcp', host: expect.any(String), servername: expect.any(String) });
      else expect(info.endpoint).toMatchObject({ kind: 'unix', dir: expect.stringMatching(/./) });
      const byId = await sut.runtime.inspect(info.id);
      const byName = await sut.runtime.inspect(spec('a').name);
      expect(byId?.id).toBe(info.id);
      expect(byName?.id).toBe(info.id);
      expect(byId?.labels).toMatchObject(sut.labels);
      expect(byId?.endpoint).toEqual(info.endpoint);
      const listed = await sut.runtime.list(sut.labels);
      expect(listed.map((c) => c.id)).toContain(info.id);
      expect(listed.find((c) => c.id === info.id)?.endpoint).toEqual(info.endpoint);
      expect(await sut.runtime.list({ ...sut.labels, 'pgsbx.contract-other': 'x' })).toEqual([]);
      if (sut.remote) expect(await sut.runtime.stats(info.id)).toBeNull();
      else expect(await sut.runtime.stats(info.id)).toMatchObject({ memoryBytes: expect.any(Number) });
    });

    it('refuses a second container of the same name (the name is the lock)', async () => {
      await expect(sut.runtime.start(spec('a'))).rejects.toBeInstanceOf(NameConflictError);
    });

    it('claims a pool container for a name: found under that name; claimed twice, a taken name or a missing id is refused', async () => {
      const b = await sut.runtime.start(spec('pool-b'));
      await sut.runtime.claim(b.id, spec('b2').name);
      expect(await sut.runtime.inspect(spec('b2').name)).toMatchObject({ id: b.id, name: spec('b2').name, running: true });
      expect((await sut.runtime.inspect(b.id))?.name).toBe(spec('b2').name);
      expect((await sut.runtime.list(sut.labels)).find((c) => c.id === b.id)?.name).toBe(spec('b2').name);
      await expect(sut.runtime.claim(b.id, spec('b3').name)).rejects.toBeInstanceOf(ContainerNotFoundError);
      expect(await sut.runtime.inspect(spec('b3').name)).toBeNull();

      const c = await sut.runtime.start(spec('pool-c'));
      await expect(sut.runtime.claim(c.id, spec('a').name)).rejects.toBeInstanceOf(NameConflictError);
      await sut.runtime.claim(c.id, spec('c2').name);
      expect((await sut.runtime.inspect(spec('c2').name))?.id).toBe(c.id);
      await expect(sut.runtime.claim('0123456789ab-missing', spec('d').name)).rejects.toBeInstanceOf(ContainerNotFoundError);
    });

    it('releases a name at once: the name is free for a new container; releasing again is no error', async () => {
      const b = await sut.runtime.inspect(spec('b2').name);
      await sut.runtime.release(b!.id);
      expect(await sut.runtime.inspect(spec('b2').name)).toBeNull();
      const again = await sut.runtime.start(spec('b2'));
      expect(again.id).not.toBe(b!.id);
      await sut.runtime.release(b!.id);
      for (const id of [b!.id, again.id]) await sut.runtime.remove(id);
      expect(await sut.runtime.inspect(spec('b2').name)).toBeNull();
    });

    it('execs a command in the container: stdin in, stdout out (a megabyte round trip), exit code and stderr', async () => {
      const a = await sut.runtime.inspect(spec('a').name);
      // A remote runtime cannot exec into a task on another node: it says so (archives use ArchiveTools instead).
      if (sut.remote) return void (await expect(sut.runtime.exec(a!.id, ['cat'])).rejects.toThrow(/not available on the swarm/));
      const input = randomBytes(1024 * 1024);
      const out: Buffer[] = [];
      const sink = new PassThrough();
      sink.on('data', (c: Buffer) => out.push(c));
      const ok = await sut.runtime.exec(a!.id, ['cat'], { stdin: Readable.from([input]), stdout: sink });
      expect(ok.exitCode).toBe(0);
      expect(Buffer.concat(out).equals(input)).toBe(true);
      const failed = await sut.runtime.exec(a!.id, ['sh', '-c', 'echo oops >&2; exit 3']);
      expect(failed).toEqual({ exitCode: 3, stderr: 'oops\n' });
      await expect(sut.runtime.exec('0123456789ab-missing', ['cat'])).rejects.toBeInstanceOf(ContainerNotFoundError);
    });

    it('a command that stops reading stdin early ends the exec cleanly, big or small input (no hang)', async () => {
      if (sut.remote) return; // no exec on a remote runtime (the test above checks it says so)
      const a = await sut.runtime.inspect(spec('a').name);
      for (const size of [16, 4096, 70_000, 2 * 1024 * 1024]) {
        for (let i = 0; i < 5; i++) {
          const out: Buffer[] = [];
          const sink = new PassThrough();
          sink.on('data', (c: Buffer) => out.push(c));
          const res = await sut.runtime.exec(a!.id, ['head', '-c', '8'], { stdin: Readable.from([randomBytes(size)]), stdout: sink });
          expect(res.exitCode).toBe(0);
          expect(Buffer.concat(out).length).toBe(8);
        }
      }
    });

    it('removes: gone from inspect, list and stats; removing again is no error', async () => {
      const a = await sut.runtime.inspect(spec('a').name);
      await sut.runtime.remove(a!.id);
      expect(await sut.runtime.inspect(a!.id)).toBeNull();
      expect((await sut.runtime.list(sut.labels)).map((c) => c.id)).not.toContain(a!.id);
      expect(await sut.runtime.stats(a!.id)).toBeNull();
      await expect(sut.runtime.remove(a!.id)).resolves.toBeUndefined();
    });

    it('ensures the control database idempotently, outside the fleet: same socket, one container, not listed as a sandbox', async () => {
      const control = {
        name: `${sut.namePrefix}-control`,
        image: sut.image,
        labels: { 'pgsbx.control': sut.namePrefix },
        args: ['-c', 'fsync=on'],
        env: { PGSBX_COPY_TEMPLATES: '1' },
        memoryBytes: 256 * 2 ** 20,
      };
      // A remote runtime has no embedded control database: CONTROL_DATABASE_URL names one (deploy/stack.yaml's).
      if (sut.remote) return void (await expect(sut.runtime.ensureControlDatabase(control)).rejects.toThrow(/CONTROL_DATABASE_URL/));
      const [first, second] = await Promise.all([sut.runtime.ensureControlDatabase(control), sut.runtime.ensureControlDatabase(control)]);
      expect(first.socketDir).not.toBe('');
      expect(second.socketDir).toBe(first.socketDir);
      expect(await sut.runtime.list(control.labels)).toEqual([expect.objectContaining({ name: control.name, running: true })]);
      expect((await sut.runtime.list(sut.labels)).map((c) => c.name)).not.toContain(control.name);
      expect((await sut.runtime.ensureControlDatabase(control)).socketDir).toBe(first.socketDir);
    });
  });
}
