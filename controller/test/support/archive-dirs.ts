import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Map<string, string>();

/**
 * The SANDBOX_ARCHIVE_DIR of a test's controllers, so tests never write /var/lib/pgsbx: a
 * temporary directory per sandbox prefix, kept while the test file runs (a controller stopped and
 * started again with the same prefix finds the archives its predecessor wrote), removed when it ends.
 */
export function testArchiveDir(prefix: string): string {
  let dir = dirs.get(prefix);
  if (!dir) dirs.set(prefix, (dir = mkdtempSync(join(tmpdir(), `pgsbx-archives-${prefix}-`))));
  return dir;
}

afterAll(() => {
  for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
});
