import snapshotUrl from 'virtual:pglite-snapshot';
import { Backend, BackendError, ExecOutcome } from './backend';
import { PGLITE_IDB_NAME, type PgliteReady, type WorkerRequest, type WorkerResponse } from './pglite-protocol';

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };
export type PgliteStart = PgliteReady;

/** The contrib bundles the saved database uses, so they load before it opens. */
const EXTENSIONS_KEY = 'pgsbx.pglite.extensions';
function savedExtensions(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(EXTENSIONS_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The pristine data directory made at build time (40 MB as a tar): fetched each time it is needed
 * (the HTTP cache keeps it, immutable) and handed to the worker without a copy.
 */
function fetchSnapshot(): Promise<ArrayBuffer | undefined> {
  return snapshotUrl
    ? fetch(snapshotUrl)
        .then((r) => (r.ok ? r.arrayBuffer() : undefined))
        .catch(() => undefined)
    : Promise.resolve(undefined);
}

/** A database saved by an earlier visit opens from IndexedDB: the snapshot is not needed then. */
async function hasSavedDatabase(): Promise<boolean> {
  const dbs = await indexedDB.databases?.().catch(() => undefined);
  return !!dbs?.some((d) => d.name === PGLITE_IDB_NAME);
}

/**
 * PGlite (Postgres compiled to wasm) in a dedicated Web Worker; the database is kept in IndexedDB
 * (in memory when another tab holds it).
 */
export class PgliteBackend implements Backend {
  readonly kind = 'pglite' as const;
  private worker!: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Resolves once the database accepts queries. */
  ready!: Promise<PgliteStart>;
  /** The last start's facts (server version, whether data is kept), once known. */
  started: PgliteStart | null = null;

  constructor(private readonly createWorker: () => Worker = defaultWorker) {
    this.start();
  }

  private start() {
    const worker = this.createWorker();
    this.worker = worker;
    worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      p.resolve(ev.data);
    };
    worker.onerror = (ev) => this.failAll(new BackendError(`PGlite worker failed: ${ev.message || 'unknown error'}`));
    this.ready = hasSavedDatabase()
      .then((saved) => (saved ? undefined : fetchSnapshot()))
      .then(async (snap) => {
        if (this.worker !== worker) throw new BackendError('PGlite was restarted.');
        return this.onReady(await this.request({ id: 0, type: 'init', snapshot: snap, extensions: savedExtensions() }));
      });
    this.ready.catch(() => undefined);
  }

  private onReady(r: WorkerResponse): PgliteStart {
    if (r.type === 'failed') throw new BackendError(`PGlite did not start: ${r.message}`);
    if (r.type !== 'ready') throw new BackendError('unexpected reply from the PGlite worker');
    const { id: _id, type: _type, ...start } = r;
    this.started = start;
    return start;
  }

  get version(): string | undefined {
    return this.started?.version;
  }

  private request(req: WorkerRequest): Promise<WorkerResponse> {
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const bytes = 'snapshot' in req && req.snapshot ? [req.snapshot] : [];
      worker.postMessage({ ...req, id }, bytes); // the snapshot is moved, not copied
    });
  }

  private failAll(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async exec(sql: string): Promise<ExecOutcome> {
    const r = await this.request({ id: 0, type: 'exec', sql });
    if (r.type === 'failed') throw new BackendError(r.message);
    if (r.type !== 'exec') throw new BackendError('unexpected reply from the PGlite worker');
    if (r.extensions) localStorage.setItem(EXTENSIONS_KEY, JSON.stringify(r.extensions));
    return { results: r.results };
  }

  /** On the one connection there is, so null inside the user's open transaction (it would share it). */
  async readCatalog(sql: string): Promise<ExecOutcome | null> {
    const r = await this.request({ id: 0, type: 'schema', sql });
    if (r.type === 'failed') throw new BackendError(r.message);
    if (r.type === 'stale') return null;
    if (r.type !== 'exec') throw new BackendError('unexpected reply from the PGlite worker');
    return { results: r.results };
  }

  /** A fresh database in the same worker, and the saved one deleted (statements already queued run on the new one). */
  async reset(): Promise<void> {
    localStorage.removeItem(EXTENSIONS_KEY);
    const snap = await fetchSnapshot();
    this.ready = this.request({ id: 0, type: 'reset', snapshot: snap }).then((r) => this.onReady(r));
    await this.ready;
  }

  /** The worker is replaced; the new one opens what was saved in IndexedDB (or an empty database). */
  async cancel(): Promise<void> {
    const persisted = this.started?.persisted;
    this.worker.terminate();
    this.failAll(
      new BackendError(
        persisted
          ? 'Cancelled: PGlite restarted. Committed data was kept; the open transaction, if any, was rolled back.'
          : 'Cancelled: PGlite restarted with an empty database (this tab does not save its data).',
      ),
    );
    this.start();
  }

  dispose(): void {
    this.worker.terminate();
    this.failAll(new BackendError('PGlite was closed.'));
  }
}

/** What a PGlite cancel costs, for the question asked before it (PGlite cannot interrupt a statement). */
export function cancelCostText(persisted: boolean): string {
  return persisted
    ? 'PGlite cannot interrupt a statement: Cancel restarts the in-page database. Committed data is kept (it is saved in this browser); this statement and any open transaction are lost.'
    : 'PGlite cannot interrupt a statement: Cancel restarts the in-page database, and its data is lost (this tab does not save it: another tab holds the saved database).';
}

let early: PgliteBackend | null = null;
/** The page's PGlite, started by main.tsx before React renders so the wasm downloads meanwhile. */
export function sharedPglite(): PgliteBackend {
  early ??= new PgliteBackend();
  return early;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./pglite.worker.ts', import.meta.url), { type: 'module', name: 'pglite' });
}
