import snapshotUrl from 'virtual:pglite-snapshot';
import { Backend, BackendError, ExecOutcome } from './backend';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol';

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };
export interface PgliteStart {
  ms: number;
  fromSnapshot: boolean;
}

let snapshotBytes: Promise<ArrayBuffer | undefined> | undefined;
/** The pristine data directory made at build time (fetched once per page). */
function fetchSnapshot(): Promise<ArrayBuffer | undefined> {
  snapshotBytes ??= snapshotUrl
    ? fetch(snapshotUrl)
        .then((r) => (r.ok ? r.arrayBuffer() : undefined))
        .catch(() => undefined)
    : Promise.resolve(undefined);
  return snapshotBytes;
}

/** PGlite (Postgres compiled to wasm) in a dedicated Web Worker; the database lives in memory. */
export class PgliteBackend implements Backend {
  readonly kind = 'pglite' as const;
  private worker!: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Resolves once the database accepts queries. */
  ready!: Promise<PgliteStart>;

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
    this.ready = fetchSnapshot().then(async (snap) => {
      if (this.worker !== worker) throw new BackendError('PGlite was restarted.');
      // a copy: the page keeps the bytes for the next restart
      return this.started(await this.request({ id: 0, type: 'init', snapshot: snap?.slice(0) }));
    });
    this.ready.catch(() => undefined);
  }

  private started(r: WorkerResponse): PgliteStart {
    if (r.type === 'failed') throw new BackendError(`PGlite did not start: ${r.message}`);
    if (r.type !== 'ready') throw new BackendError('unexpected reply from the PGlite worker');
    return { ms: r.ms, fromSnapshot: r.fromSnapshot };
  }

  private request(req: WorkerRequest): Promise<WorkerResponse> {
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id });
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
    return { results: r.results };
  }

  /** A fresh in-memory database in the same worker (statements already queued run on the new one). */
  async reset(): Promise<void> {
    this.ready = this.request({ id: 0, type: 'reset' }).then((r) => this.started(r));
    await this.ready;
  }

  /** PGlite cannot interrupt a statement: the worker is replaced, and the in-page database with it. */
  async cancel(): Promise<void> {
    this.worker.terminate();
    this.failAll(
      new BackendError('Cancelled. PGlite cannot interrupt a running statement, so the in-page database was restarted (its data is gone).'),
    );
    this.start();
  }

  dispose(): void {
    this.worker.terminate();
    this.failAll(new BackendError('PGlite was closed.'));
  }
}

function defaultWorker(): Worker {
  return new Worker(new URL('./pglite.worker.ts', import.meta.url), { type: 'module', name: 'pglite' });
}
