import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { trimWal } from './wal-trim';

const VIRTUAL = 'virtual:pglite-snapshot';
const RESOLVED = '\0' + VIRTUAL;
const DEV_PATH = '/__pglite-snapshot.tar';
const require = createRequire(import.meta.url);

/**
 * `import url from 'virtual:pglite-snapshot'`: the URL of a plain tar of a freshly initialised PGlite data
 * directory, made once per PGlite version with PGlite itself in Node. Loading it in the browser skips
 * initdb, which is most of PGlite's start-up time (and all of a reset's). A plain tar, not a tgz, so
 * the build's brotli (precompress.ts) works on it: 4.5 MB as tgz, far less as tar.br. PGLITE_SNAPSHOT=off, or a
 * failure to make it, gives `null` and the worker falls back to initdb.
 */
export function pgliteSnapshot(): Plugin {
  let command: 'build' | 'serve' = 'build';
  let cacheDir = '';
  let snapshot: Promise<Buffer | null> | undefined;
  const get = () => (snapshot ??= makeSnapshot(cacheDir));
  return {
    name: 'pgsbx:pglite-snapshot',
    configResolved(c) {
      command = c.command;
      cacheDir = c.cacheDir;
    },
    resolveId(id) {
      return id === VIRTUAL ? RESOLVED : undefined;
    },
    async load(id) {
      if (id !== RESOLVED) return undefined;
      if (process.env.PGLITE_SNAPSHOT === 'off') return 'export default null;';
      if (command === 'serve') return `export default ${JSON.stringify(DEV_PATH)};`;
      const source = await get();
      if (!source) return 'export default null;';
      const ref = this.emitFile({ type: 'asset', name: 'pglite-pristine.tar', source });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_PATH, (_req, res) => {
        void get().then((buf) => {
          if (!buf) {
            res.statusCode = 404;
            res.end();
            return;
          }
          res.setHeader('Content-Type', 'application/octet-stream');
          res.end(buf);
        });
      });
    },
  };
}

function version(pkg: string): string {
  // the package's main entry lives in dist/; package.json is one level up
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

async function makeSnapshot(cacheDir: string): Promise<Buffer | null> {
  try {
    const file = join(
      cacheDir,
      `pglite-pristine-${version('@electric-sql/pglite')}-vector-${version('@electric-sql/pglite-pgvector')}.tar`,
    );
    if (existsSync(file)) return readFileSync(file);
    const t0 = Date.now();
    const { PGlite } = await import('@electric-sql/pglite');
    const { vector } = await import('@electric-sql/pglite-pgvector');
    const pg = await PGlite.create({ extensions: { vector } });
    await pg.exec('checkpoint');
    const redo = (
      await pg.query<{ file: string; offset: number }>(
        'select file_name as file, file_offset as offset from pg_walfile_name_offset((select redo_lsn from pg_control_checkpoint()))',
      )
    ).rows[0];
    const dump = await pg.dumpDataDir('none');
    await pg.close();
    const full = new Uint8Array(await dump.arrayBuffer());
    const trimmed = redo ? trimWal(full, redo) : null;
    const buf = Buffer.from(trimmed && (await opens(trimmed)) ? trimmed : full);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, buf);
    console.log(`pglite-snapshot: made ${file} (${(buf.length / 1e6).toFixed(1)} MB) in ${Date.now() - t0} ms`);
    return buf;
  } catch (e) {
    console.warn(`pglite-snapshot: no snapshot, PGlite will run initdb in the browser (${e instanceof Error ? e.message : String(e)})`);
    return null;
  }
}

/** The trimmed snapshot must still start and take writes, or the untrimmed one is used. */
async function opens(tar: Uint8Array): Promise<boolean> {
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { vector } = await import('@electric-sql/pglite-pgvector');
    const pg = await PGlite.create({ extensions: { vector }, loadDataDir: new Blob([tar as BlobPart], { type: 'application/x-tar' }) });
    await pg.exec('create table probe (id int primary key); insert into probe values (1); checkpoint;');
    const n = (await pg.query<{ n: number }>('select count(*)::int as n from probe')).rows[0]?.n;
    await pg.close();
    return n === 1;
  } catch (e) {
    console.warn(`pglite-snapshot: the trimmed WAL does not open, keeping it whole (${e instanceof Error ? e.message : String(e)})`);
    return false;
  }
}
