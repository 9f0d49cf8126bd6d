/// <reference lib="webworker" />
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { execCell, makeParsers } from './pglite-exec';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol';

declare const self: DedicatedWorkerGlobalScope;

const parsers = makeParsers(types.arrayParser);
let snapshot: Uint8Array | undefined;
let db: Promise<PGlite> | undefined;
let signalInit!: () => void;
const initialised = new Promise<void>((r) => (signalInit = r));
let queue: Promise<unknown> = Promise.resolve();

/** A fresh in-memory database; loading the pristine snapshot skips initdb (several seconds). */
async function open(): Promise<{ pg: PGlite; ms: number; fromSnapshot: boolean }> {
  const t0 = performance.now();
  if (snapshot) {
    try {
      const gz = snapshot[0] === 0x1f && snapshot[1] === 0x8b;
      const blob = new Blob([snapshot as BlobPart], { type: gz ? 'application/x-gzip' : 'application/x-tar' });
      const pg = await PGlite.create({ extensions: { vector }, loadDataDir: blob });
      return { pg, ms: performance.now() - t0, fromSnapshot: true };
    } catch (e) {
      console.warn('PGlite snapshot could not be loaded; running initdb instead', e);
      snapshot = undefined;
    }
  }
  const pg = await PGlite.create({ extensions: { vector } });
  return { pg, ms: performance.now() - t0, fromSnapshot: false };
}

function reply(msg: WorkerResponse) {
  self.postMessage(msg);
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === 'init') {
    snapshot = req.snapshot ? new Uint8Array(req.snapshot) : undefined;
    const opened = open();
    db = opened.then((o) => o.pg);
    signalInit();
    const o = await opened;
    reply({ id: req.id, type: 'ready', ms: o.ms, fromSnapshot: o.fromSnapshot });
    return;
  }
  await initialised;
  if (req.type === 'reset') {
    const old = await db!.catch(() => undefined);
    await old?.close().catch(() => undefined);
    const opened = open();
    db = opened.then((o) => o.pg);
    const o = await opened;
    reply({ id: req.id, type: 'ready', ms: o.ms, fromSnapshot: o.fromSnapshot });
    return;
  }
  const pg = await db!;
  reply({ id: req.id, type: 'exec', results: await execCell(pg, req.sql, parsers) });
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  const run = () =>
    handle(req).catch((e: unknown) => reply({ id: req.id, type: 'failed', message: e instanceof Error ? e.message : String(e) }));
  // init is not queued behind requests that wait for it; everything else runs one at a time (one connection).
  if (req.type === 'init') void run();
  else queue = queue.then(run);
};
