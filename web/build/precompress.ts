import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|wasm|data|map|tar)$/;

/**
 * Writes a `.br` and a `.gz` beside every compressible file of the build; the controller serves
 * the best one the browser accepts (pglite.wasm: 9.1 MB raw, 3.3 MB gzip, 2.6 MB brotli; the snapshot
 * tar: 40 MB raw, 4.5 MB gzip, 1.35 MB brotli). Brotli at its best quality takes ~1 min for those two, so results are kept in Vite's cache dir by content hash:
 * PGlite's files and the snapshot only change with PGlite's version.
 */
export function precompress(): Plugin {
  let outDir = 'dist';
  let cacheDir = '';
  return {
    name: 'pgsbx-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
      cacheDir = join(config.cacheDir, 'precompress');
    },
    closeBundle() {
      mkdirSync(cacheDir, { recursive: true });
      const cached = (data: Buffer, kind: string, make: () => Buffer): Buffer => {
        const file = join(cacheDir, `${createHash('sha256').update(data).digest('hex')}.${kind}`);
        if (existsSync(file)) return readFileSync(file);
        const out = make();
        writeFileSync(file, out);
        return out;
      };
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (COMPRESSIBLE.test(name) && statSync(path).size > 1024) {
            const data = readFileSync(path);
            writeFileSync(
              `${path}.gz`,
              cached(data, 'gz', () => gzipSync(data, { level: 9 })),
            );
            writeFileSync(
              `${path}.br`,
              cached(data, 'q11w24.br', () =>
                brotliCompressSync(data, {
                  params: {
                    [constants.BROTLI_PARAM_QUALITY]: 11,
                    // a 16 MB window (the most browsers decode): the snapshot's three databases are near-copies
                    [constants.BROTLI_PARAM_LGWIN]: 24,
                    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
                  },
                }),
              ),
            );
          }
        }
      };
      walk(outDir);
    },
  };
}
