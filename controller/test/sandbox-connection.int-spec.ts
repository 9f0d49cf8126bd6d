import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clock } from '../src/common/clock';
import { PgSandboxConnector } from '../src/database/pg-sandbox-connector';
import type { Sandbox } from '../src/domain/sandbox';
import { SandboxAuthority } from '../src/tls/sandbox-authority';
import { Harness, startHarness } from './support/harness';
import { sandboxConnectionContract } from './support/sandbox-connection.contract';

// The same contract runs against the fake in src/database/sandbox-connection.contract.spec.ts.
describe(`${PgSandboxConnector.name} keeps the SandboxConnection contract`, () => {
  let h: Harness;
  let sb: Sandbox;
  let connector: PgSandboxConnector;
  let missingDir: string;

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '0' });
    sb = await h.fleet.acquire('contract');
    connector = new PgSandboxConnector(h.config, new Clock(), new SandboxAuthority(h.config));
    missingDir = join(mkdtempSync(join(tmpdir(), 'pgsbx-contract-')), 'gone');
  });

  afterAll(async () => {
    if (sb) h.fleet.release(sb);
    await h?.close();
    if (missingDir) rmSync(join(missingDir, '..'), { recursive: true, force: true });
  });

  sandboxConnectionContract(() => ({
    connector,
    endpoint: sb.endpoint,
    missing: { endpoint: { kind: 'unix', dir: missingDir }, code: 'ENOENT' },
  }));
});
