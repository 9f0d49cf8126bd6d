/// <reference lib="webworker" />
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { execCell, makeParsers, type PgliteLike } from './pglite-exec';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol';

declare const self: DedicatedWorkerGlobalScope;

const parsers = makeParsers(types.arrayParser);
const t0 = performance.now();
const db: Promise<PGlite> = PGlite.create({ extensions: { vector } });
let queue: Promise<unknown> = Promise.resolve();

function reply(msg: WorkerResponse) {
  self.postMessage(msg);
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  // One statement at a time: PGlite has a single connection.
  queue = queue.then(async () => {
    try {
      const pg = await db;
      if (req.type === 'ready') reply({ id: req.id, type: 'ready', ms: performance.now() - t0 });
      else reply({ id: req.id, type: 'exec', results: await execCell(pg as unknown as PgliteLike, req.sql, parsers) });
    } catch (e) {
      reply({ id: req.id, type: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  });
};
