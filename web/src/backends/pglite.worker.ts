/// <reference lib="webworker" />
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { splitSql } from '@pgsbx/contract';
import { loadContrib } from './pglite-contrib';
import { execCell, makeParsers } from './pglite-exec';
import { missingContrib } from './pglite-limits';
import { PGLITE_DATA_DIR, PGLITE_IDB_NAME, type PgliteReady, type WorkerRequest, type WorkerResponse } from './pglite-protocol';

declare const self: DedicatedWorkerGlobalScope;

const DATA_DIR = PGLITE_DATA_DIR;
const IDB_NAME = PGLITE_IDB_NAME;
const LOCK = 'pgsbx-pglite-data';

const parsers = makeParsers(types.arrayParser);
let snapshot: Uint8Array | undefined;
let extensions: string[] = [];
let persist = false;
let db: Promise<PGlite> | undefined;
let signalInit!: () => void;
const initialised = new Promise<void>((r) => (signalInit = r));
let queue: Promise<unknown> = Promise.resolve();

/**
 * One tab at a time owns the saved database (two writers would corrupt it): the lock is held for
 * the worker's life; a second tab runs in memory and says so. It waits a moment for the lock,
 * because a cancel's new worker starts while the terminated one's lock is being released.
 */
function claimStorage(): Promise<boolean> {
  if (!('locks' in navigator) || typeof indexedDB === 'undefined') return Promise.resolve(false);
  return new Promise((resolve) => {
    void navigator.locks
      .request(LOCK, { signal: AbortSignal.timeout(2000) }, () => {
        resolve(true);
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(false));
  });
}

async function savedDatabaseExists(): Promise<boolean> {
  const dbs = await indexedDB.databases?.().catch(() => undefined);
  return !!dbs?.some((d) => d.name === IDB_NAME);
}

function deleteSaved(): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(IDB_NAME);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error ?? new Error('IndexedDB refused to delete the saved database'));
    r.onblocked = () => resolve(); // our own handle is closed; a stale one goes away with its worker
  });
}

/** The database: the saved one when there is one, else the pristine snapshot (skips initdb, several seconds). */
async function open(): Promise<{ pg: PGlite } & PgliteReady> {
  const t0 = performance.now();
  const exts = { vector, ...(await loadContrib(extensions)) };
  const dataDir = persist ? `idb://${DATA_DIR}` : undefined;
  // Syncing to IndexedDB after every statement cost 30-140 ms each (IDBFS writes whole files, and
  // the WAL segment is 16 MB): PGlite syncs in the background, and each cell ends with one full sync
  // of its own (persistNow) before its results are sent.
  const relaxedDurability = true;
  const restored = persist && (await savedDatabaseExists());
  const ready = async (pg: PGlite, fromSnapshot: boolean) => {
    const v = await pg.query<{ server_version: string }>('show server_version');
    return { pg, ms: performance.now() - t0, fromSnapshot, version: v.rows[0]?.server_version ?? '?', persisted: persist, restored };
  };
  if (restored) {
    try {
      return await ready(await PGlite.create({ dataDir, relaxedDurability, extensions: exts }), false);
    } catch (e) {
      console.warn('the saved PGlite database could not be opened; starting a fresh one', e);
      await deleteSaved().catch(() => undefined);
    }
  }
  if (snapshot) {
    try {
      const gz = snapshot[0] === 0x1f && snapshot[1] === 0x8b;
      const blob = new Blob([snapshot as BlobPart], { type: gz ? 'application/x-gzip' : 'application/x-tar' });
      return await ready(await PGlite.create({ dataDir, relaxedDurability, extensions: exts, loadDataDir: blob }), true);
    } catch (e) {
      console.warn('PGlite snapshot could not be loaded; running initdb instead', e);
      snapshot = undefined;
      if (persist) await deleteSaved().catch(() => undefined);
    }
  }
  return ready(await PGlite.create({ dataDir, relaxedDurability, extensions: exts }), false);
}

function reply(msg: WorkerResponse) {
  self.postMessage(msg);
}

async function start(id: number) {
  const opened = open();
  db = opened.then((o) => o.pg);
  const { pg, ...ready } = await opened;
  reply({ id, type: 'ready', ...ready });
  // A database just made from the snapshot is 40 MB of files IndexedDB has not seen: start writing
  // them now, while the user types, rather than on the first Run.
  if (!ready.restored) void persistNow(pg).catch((e: unknown) => console.warn('PGlite: IndexedDB did not take the data', e));
}

/** A `create extension` for a contrib bundle not loaded yet: PGlite loads bundles at start, so it restarts with it. */
async function loadMissing(pg: PGlite, sql: string): Promise<PGlite> {
  const missing = missingContrib(
    splitSql(sql).map((p) => p.text),
    extensions,
  );
  // Inside an open transaction a restart would roll it back: the statement fails with a hint instead.
  if (missing.length === 0 || pg.isInTransaction()) return pg;
  extensions = [...extensions, ...missing];
  await persistNow(pg); // with relaxed durability, close() would not wait for its own sync
  await pg.close();
  const opened = open();
  db = opened.then((o) => o.pg);
  return (await opened).pg;
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === 'init') {
    snapshot = req.snapshot ? new Uint8Array(req.snapshot) : undefined;
    extensions = req.extensions;
    persist = await claimStorage();
    const started = start(req.id);
    signalInit();
    await started;
    return;
  }
  await initialised;
  if (req.type === 'reset') {
    const old = await db!.catch(() => undefined);
    await old?.close().catch(() => undefined);
    extensions = [];
    if (req.snapshot) snapshot = new Uint8Array(req.snapshot);
    if (persist) await deleteSaved();
    await start(req.id);
    return;
  }
  let pg = await db!;
  if (req.type === 'schema') {
    // The tree shares the user's only connection: inside their transaction (maybe an aborted one) it waits.
    if (pg.isInTransaction()) return reply({ id: req.id, type: 'stale' });
    return reply({ id: req.id, type: 'exec', results: await execCell(pg, req.sql, parsers) });
  }
  const before = extensions;
  pg = await loadMissing(pg, req.sql);
  const results = await execCell(pg, req.sql, parsers);
  // Before the reply: what a cell shows as done survives a reload, a closed tab, or the Cancel of a
  // later statement (which kills the worker).
  await persistNow(pg).catch((e: unknown) => console.warn('PGlite: IndexedDB did not take the data', e));
  reply({ id: req.id, type: 'exec', results, extensions: extensions !== before ? extensions : undefined });
}

let syncs: Promise<unknown> = Promise.resolve();
/**
 * Writes the data directory to IndexedDB (one IndexedDB transaction: all or nothing). One at a
 * time: two at once would each write every changed file.
 */
function persistNow(pg: PGlite): Promise<void> {
  const fs = (pg as unknown as { Module?: { FS?: { syncfs(populate: boolean, done: (e: unknown) => void): void } } }).Module?.FS;
  if (!persist || !fs) return Promise.resolve();
  const next = syncs.then(
    () =>
      new Promise<void>((resolve, reject) =>
        fs.syncfs(false, (e) =>
          e ? reject(e instanceof Error ? e : new Error(`IndexedDB sync failed: ${JSON.stringify(e)}`)) : resolve(),
        ),
      ),
  );
  syncs = next.catch(() => undefined);
  return next;
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  const run = () =>
    handle(req).catch((e: unknown) => reply({ id: req.id, type: 'failed', message: e instanceof Error ? e.message : String(e) }));
  // init is not queued behind requests that wait for it; everything else runs one at a time (one connection).
  if (req.type === 'init') void run();
  else queue = queue.then(run);
};
