import type { Readable } from 'node:stream';
import { ArchiveQuotaError } from './archive-store';

/**
 * The source's bytes as Buffers, the quota rule of every ArchiveStore: once more than `maxBytes`
 * have arrived, the source is destroyed (pg_dump stops) and ArchiveQuotaError is thrown.
 */
export async function* boundedChunks(source: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buf.length;
    if (bytes > maxBytes) {
      source.destroy();
      throw new ArchiveQuotaError(maxBytes);
    }
    yield buf;
  }
}
