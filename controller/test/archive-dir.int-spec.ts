import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnController } from './support/controller-process';
import { removeContainers, testPrefix } from './support/harness';

// The built controller and its archive directory (SANDBOX_ARCHIVE_DIR), as an operator meets them.
describe('the archive directory at start-up', () => {
  const prefix = testPrefix();
  const base = mkdtempSync(join(tmpdir(), 'pgsbx-archive-dir-'));
  afterAll(() => {
    removeContainers(prefix);
    rmSync(base, { recursive: true, force: true });
  });

  it('is created, readable by its owner only', async () => {
    const dir = join(base, 'new', 'archives');
    const c = await spawnController({ SANDBOX_PREFIX: prefix, SANDBOX_WARM_POOL: '0', SANDBOX_ARCHIVE_DIR: dir });
    await c.stop();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('when it cannot be created, the controller refuses to start and says which setting to fix', async () => {
    writeFileSync(join(base, 'a-file'), '');
    const dir = join(base, 'a-file', 'archives');
    await expect(spawnController({ SANDBOX_PREFIX: prefix, SANDBOX_WARM_POOL: '0', SANDBOX_ARCHIVE_DIR: dir })).rejects.toThrow(
      `SANDBOX_ARCHIVE_DIR ${dir} cannot be used (ENOTDIR`,
    );
  });
});
