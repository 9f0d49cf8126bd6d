import type { SandboxConnection } from '../database/sandbox-connection';
import { SandboxConnector } from '../database/sandbox-connector';
import type { ContainerInfo } from '../runtime/container-runtime';
import { ADOPT_READY_MS, AdoptionQueue, adoptionConnection } from './adoption';

const flush = () => new Promise((r) => setImmediate(r));

describe(AdoptionQueue.name, () => {
  it('runs at most `limit` jobs at once, in order', async () => {
    const sut = new AdoptionQueue(2);
    const started: string[] = [];
    const finish: Record<string, () => void> = {};
    for (const n of ['a', 'b', 'c']) {
      void sut.add(n, () => new Promise<void>((r) => (started.push(n), (finish[n] = r))));
    }
    await flush();
    expect(started).toEqual(['a', 'b']);
    finish.a();
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('hurry runs a waiting job at once, past the limit, and resolves when it is done', async () => {
    const sut = new AdoptionQueue(1);
    let stuckStarted = false;
    void sut.add('stuck', () => new Promise<void>(() => (stuckStarted = true)));
    let mineRan = false;
    void sut.add('mine', async () => void (mineRan = true));
    await flush();
    expect(stuckStarted).toBe(true);
    expect(mineRan).toBe(false);
    await sut.hurry('mine');
    expect(mineRan).toBe(true);
    await expect(sut.hurry('nobody')).resolves.toBeUndefined();
    expect(sut.pending).toBe(1);
  });

  it('a failing job settles without rejecting and frees its slot', async () => {
    const sut = new AdoptionQueue(1);
    await expect(sut.add('bad', async () => Promise.reject(new Error('boom')))).resolves.toBeUndefined();
    let ran = false;
    await sut.add('next', async () => void (ran = true));
    expect(ran).toBe(true);
  });
});

describe(adoptionConnection.name, () => {
  /** Answers each connect() with the next behaviour: a client, an error, or never. */
  class ScriptedConnector extends SandboxConnector {
    attempts = 0;
    late?: (c: SandboxConnection) => void;
    constructor(private readonly behave: () => 'hang' | Error | SandboxConnection) {
      super();
    }
    connect(): Promise<SandboxConnection> {
      this.attempts++;
      const b = this.behave();
      if (b === 'hang') return new Promise((r) => (this.late = r));
      return b instanceof Error ? Promise.reject(b) : Promise.resolve(b);
    }
    async waitReady(): Promise<SandboxConnection> {
      throw new Error('unused');
    }
  }
  const upFor = (ms: number) => ({ endpoint: { kind: 'unix', dir: '/nowhere' }, createdAt: new Date(Date.now() - ms) }) as ContainerInfo;
  const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('gives up at the short bound when the server accepts and never answers, and closes a late connection', async () => {
    const connector = new ScriptedConnector(() => 'hang');
    const t0 = Date.now();
    await expect(adoptionConnection(connector, upFor(0), 30_000)).rejects.toThrow(/did not answer/);
    expect(Date.now() - t0).toBeLessThan(ADOPT_READY_MS + 2000);
    let ended = false;
    connector.late?.({ end: async () => void (ended = true) } as unknown as SandboxConnection);
    await flush();
    expect(ended).toBe(true);
  });

  it('gives up at the short bound when the server answers with a refusal, even for a young container', async () => {
    const connector = new ScriptedConnector(() => coded('53300', 'too many connections for database "sandbox"'));
    await expect(adoptionConnection(connector, upFor(0), 30_000)).rejects.toThrow(/too many connections/);
    expect(connector.attempts).toBeGreaterThan(1);
  });

  it('waits past the short bound for a young container that is still starting', async () => {
    const t0 = Date.now();
    const client = { end: async () => undefined } as unknown as SandboxConnection;
    const connector = new ScriptedConnector(() => (Date.now() - t0 < ADOPT_READY_MS + 500 ? coded('57P03') : client));
    await expect(adoptionConnection(connector, upFor(0), 30_000)).resolves.toBe(client);
    const old = new ScriptedConnector(() => coded('ENOENT'));
    await expect(adoptionConnection(old, upFor(3_600_000), 30_000)).rejects.toThrow(/ENOENT/);
  });
});
