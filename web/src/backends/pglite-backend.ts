import { Backend, BackendError, ExecOutcome } from './backend';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol';

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };

/** PGlite (Postgres compiled to wasm) in a dedicated Web Worker; the database lives in memory. */
export class PgliteBackend implements Backend {
  readonly kind = 'pglite' as const;
  private worker!: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Resolves with the worker's start-up time once the database accepts queries. */
  ready!: Promise<number>;

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
    this.ready = this.request({ id: 0, type: 'ready' }).then((r) => {
      if (r.type === 'failed') throw new BackendError(`PGlite did not start: ${r.message}`);
      return r.type === 'ready' ? r.ms : 0;
    });
    this.ready.catch(() => undefined);
  }

  private request(req: WorkerRequest): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
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

  async reset(): Promise<void> {
    this.restart(new BackendError('The PGlite database was reset.'));
    await this.ready;
  }

  /** PGlite cannot interrupt a statement: the worker is replaced, and the in-page database with it. */
  async cancel(): Promise<void> {
    this.restart(new BackendError('Cancelled. PGlite cannot interrupt a running statement, so the in-page database was restarted (its data is gone).'));
  }

  private restart(reason: Error) {
    this.worker.terminate();
    this.failAll(reason);
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
