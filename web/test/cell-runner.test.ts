import { describe, expect, it } from 'vitest';
import type { SandboxResult } from '../src/api/types';
import { BackendError, type Backend, type BackendKind, type ExecOutcome } from '../src/backends/backend';
import type { CellRun } from '../src/notebook/Cell';
import { CellRunner, patchRun, runUntilFailure, type RunEvents, type RunPatch } from '../src/notebook/cell-runner';

const rows = (statement: string): SandboxResult => ({
  statement,
  command: 'SELECT',
  rows: [{ one: 1 }],
  fields: [{ name: 'one', dataTypeID: 23 }],
  durationMs: 1,
});
const ddl = (statement: string): SandboxResult => ({ statement, command: 'CREATE', rows: [], fields: [], durationMs: 1 });
const sqlError = (statement: string): SandboxResult => ({ statement, error: { message: 'boom', code: '42703' } });

/** A backend whose calls wait until the test settles them, so the queue's order can be watched. */
class FakeBackend implements Backend {
  readonly calls: { sql: string; session: string; settle: (out: ExecOutcome | Error) => void }[] = [];
  constructor(readonly kind: BackendKind = 'remote') {}
  exec(sql: string, session: string): Promise<ExecOutcome> {
    return new Promise((resolve, reject) => {
      this.calls.push({ sql, session, settle: (out) => (out instanceof Error ? reject(out) : resolve(out)) });
    });
  }
  readCatalog(sql: string): Promise<ExecOutcome> {
    return this.exec(sql, 'tree');
  }
  async reset(): Promise<void> {}
  async cancel(): Promise<void> {}
  dispose(): void {}
}

/** Records what the runner reports, and keeps the runs map as the hook would. */
function recorder() {
  const log: { id: string; patch: RunPatch }[] = [];
  let runs: Record<string, CellRun> = {};
  const failures: unknown[] = [];
  let schemaChanges = 0;
  const events: RunEvents = {
    update: (id, patch) => {
      log.push({ id, patch });
      runs = patchRun(runs, id, patch);
    },
    schemaChanged: () => schemaChanges++,
    failed: (e) => failures.push(e),
  };
  return { events, log, failures, runs: () => runs, schemaChanges: () => schemaChanges };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe(CellRunner.name, () => {
  it('reports queued, running and done, with results and timing, and resolves true on success', async () => {
    let t = 100;
    const sut = new CellRunner(() => (t += 5));
    const backend = new FakeBackend();
    const rec = recorder();
    const done = sut.run('a', 'select 1', backend, 's2', rec.events);
    expect(rec.runs().a).toMatchObject({ status: 'queued', seq: 1, backend: 'remote', session: 's2', sql: 'select 1', results: [] });
    await flush();
    expect(rec.runs().a.status).toBe('running');
    expect(backend.calls.map((c) => [c.sql, c.session])).toEqual([['select 1', 's2']]);
    backend.calls[0].settle({ results: [rows('select 1')], notices: ['Real Postgres: replaced.'] });
    expect(await done).toBe(true);
    expect(rec.runs().a).toMatchObject({
      status: 'done',
      results: [rows('select 1')],
      notices: ['Real Postgres: replaced.'],
      startedAt: 105,
      elapsedMs: 5,
    });
    expect(rec.schemaChanges()).toBe(0);
  });

  it('numbers every run of any cell, so a re-run is told apart', async () => {
    const sut = new CellRunner();
    const backend = new FakeBackend();
    const rec = recorder();
    void sut.run('a', 'select 1', backend, 'main', rec.events);
    void sut.run('b', 'select 2', backend, 'main', rec.events);
    void sut.run('a', 'select 3', backend, 'main', rec.events);
    expect(rec.log.filter((l) => l.patch.status === 'queued').map((l) => [l.id, l.patch.seq])).toEqual([
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ]);
  });

  it('resolves false when a statement failed, and asks for a tree refresh after DDL', async () => {
    const sut = new CellRunner();
    const backend = new FakeBackend();
    const rec = recorder();
    const done = sut.run('a', 'create table t(); select nope', backend, 'main', rec.events);
    await flush();
    backend.calls[0].settle({ results: [ddl('create table t()'), sqlError('select nope')] });
    expect(await done).toBe(false);
    expect(rec.schemaChanges()).toBe(1);
    expect(rec.failures).toEqual([]);
  });

  it('runs one cell at a time per backend and session, and sessions side by side', async () => {
    const sut = new CellRunner();
    const backend = new FakeBackend();
    const rec = recorder();
    const first = sut.run('a', 'select 1', backend, 'main', rec.events);
    const second = sut.run('b', 'select 2', backend, 'main', rec.events);
    const other = sut.run('c', 'select 3', backend, 's2', rec.events);
    await flush();
    expect(backend.calls.map((c) => c.sql)).toEqual(['select 1', 'select 3']);
    expect(rec.runs().b.status).toBe('queued');
    backend.calls[0].settle({ results: [rows('select 1')] });
    await first;
    await flush();
    expect(backend.calls.map((c) => c.sql)).toEqual(['select 1', 'select 3', 'select 2']);
    backend.calls[1].settle({ results: [rows('select 3')] });
    backend.calls[2].settle({ results: [rows('select 2')] });
    expect(await Promise.all([second, other])).toEqual([true, true]);
  });

  it('queues PGlite and Real Postgres apart even for the same session name', async () => {
    const sut = new CellRunner();
    const pglite = new FakeBackend('pglite');
    const remote = new FakeBackend('remote');
    const rec = recorder();
    void sut.run('a', 'select 1', pglite, 'main', rec.events);
    void sut.run('b', 'select 2', remote, 'main', rec.events);
    await flush();
    expect(pglite.calls).toHaveLength(1);
    expect(remote.calls).toHaveLength(1);
  });

  it('drops a skipped cell when its turn comes, and the queue goes on', async () => {
    const sut = new CellRunner();
    const backend = new FakeBackend();
    const rec = recorder();
    const first = sut.run('a', 'select 1', backend, 'main', rec.events);
    const skipped = sut.run('b', 'select 2', backend, 'main', rec.events);
    const third = sut.run('c', 'select 3', backend, 'main', rec.events);
    sut.skip('b');
    await flush();
    backend.calls[0].settle({ results: [rows('select 1')] });
    await first;
    expect(await skipped).toBe(false);
    expect(rec.runs().b).toMatchObject({ status: 'done', failure: 'Cancelled before it started.' });
    await flush();
    expect(backend.calls.map((c) => c.sql)).toEqual(['select 1', 'select 3']);
    backend.calls[1].settle({ results: [rows('select 3')] });
    expect(await third).toBe(true);
  });

  it('runs a cell again after a skip that never came to pass', async () => {
    const sut = new CellRunner();
    const backend = new FakeBackend();
    const rec = recorder();
    sut.skip('a');
    const done = sut.run('a', 'select 1', backend, 'main', rec.events);
    await flush();
    expect(backend.calls).toHaveLength(1);
    backend.calls[0].settle({ results: [rows('select 1')] });
    expect(await done).toBe(true);
  });

  it('shows a request failure on the cell, reports it, and keeps the queue going', async () => {
    const sut = new CellRunner();
    const backend = new FakeBackend();
    const rec = recorder();
    const failed = sut.run('a', 'select 1', backend, 'main', rec.events);
    const next = sut.run('b', 'select 2', backend, 'main', rec.events);
    await flush();
    const error = new BackendError('Your sign-in expired', 401);
    backend.calls[0].settle(error);
    expect(await failed).toBe(false);
    expect(rec.runs().a).toMatchObject({ status: 'done', failure: 'Your sign-in expired', results: [] });
    expect(rec.failures).toEqual([error]);
    await flush();
    backend.calls[1].settle({ results: [rows('select 2')] });
    expect(await next).toBe(true);
  });

  it("clears the previous run's output when a cell is queued again", async () => {
    const sut = new CellRunner();
    const backend = new FakeBackend();
    const rec = recorder();
    const first = sut.run('a', 'select 1', backend, 'main', rec.events);
    await flush();
    backend.calls[0].settle(new Error('worker crashed'));
    await first;
    void sut.run('a', 'select 1', backend, 'main', rec.events);
    expect(rec.runs().a).toMatchObject({ status: 'queued', seq: 2, results: [] });
    expect(rec.runs().a.failure).toBeUndefined();
    expect(rec.runs().a.elapsedMs).toBeUndefined();
  });
});

describe(patchRun.name, () => {
  it('starts a cell without a run from a blank one and keeps other cells', () => {
    const other: CellRun = { status: 'done', seq: 1, backend: 'remote', session: 's2', sql: 'x', results: [] };
    const next = patchRun({ b: other }, 'a', { status: 'running', startedAt: 3 });
    expect(next).toEqual({
      b: other,
      a: { status: 'running', seq: 0, backend: 'pglite', session: 'main', sql: '', results: [], startedAt: 3 },
    });
  });
});

describe(runUntilFailure.name, () => {
  it('runs in order and stops at the first failure', async () => {
    const ran: string[] = [];
    const failed = await runUntilFailure(['a', 'b', 'c'], async (id) => {
      ran.push(id);
      return id !== 'b';
    });
    expect(ran).toEqual(['a', 'b']);
    expect(failed).toBe('b');
  });

  it('says null when every cell succeeded', async () => {
    expect(await runUntilFailure(['a', 'b'], async () => true)).toBeNull();
  });
});
