import { execFileSync } from 'node:child_process';
import { JsonLogger } from '../../src/common/json-logger';
import { loadConfig } from '../../src/config/app-config';
import { controlDatabaseSpec } from '../../src/control/embedded-control-database';
import { DockerRuntime } from '../../src/runtime/docker-runtime';

/**
 * One real control Postgres per test file, shared by the file's controllers: each test prefix gets
 * its own database in it (the same prefix, the same database: a restarted controller finds its
 * records). A control container costs about a second to start; one per file keeps the suite fast.
 * It is the embedded control container itself (same spec), under this file's own prefix, removed
 * with its volumes when the file ends.
 */
const sharedPrefix = `pgsbx-t${process.pid % 100000}-ctl`;
let socketDir: Promise<string> | undefined;
const databases = new Set<string>();

export async function testControlDatabaseUrl(prefix: string): Promise<string> {
  socketDir ??= startShared();
  const dir = await socketDir;
  const db = testControlDatabaseName(prefix);
  if (!databases.has(db)) {
    const exists = psql(`SELECT 1 FROM pg_database WHERE datname = '${db}'`);
    if (exists !== '1') psql(`CREATE DATABASE ${db} OWNER sandbox`);
    databases.add(db);
  }
  return `postgresql://sandbox@/${db}?host=${dir}`;
}

export function testControlDatabaseName(prefix: string): string {
  return `ctl_${prefix.replace(/-/g, '_')}`;
}

/** The shared control container's name, for tests that look inside it. */
export function sharedControlContainer(): string {
  return `${sharedPrefix}-control`;
}

async function startShared(): Promise<string> {
  const config = loadConfig({
    SANDBOX_PREFIX: sharedPrefix,
    LOG_LEVEL: 'error',
    ...(process.env.SANDBOX_IMAGE ? { SANDBOX_IMAGE: process.env.SANDBOX_IMAGE } : {}),
  });
  const runtime = new DockerRuntime(config, new JsonLogger(config.logLevel));
  const { socketDir: dir } = await runtime.ensureControlDatabase(controlDatabaseSpec(config));
  const deadline = Date.now() + 30_000;
  while (!isReady()) {
    if (Date.now() > deadline) throw new Error(`${sharedControlContainer()} did not accept connections`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return dir;
}

function isReady(): boolean {
  try {
    psql('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

function psql(sql: string): string {
  return sharedControlPsql('sandbox', sql);
}

/** Runs SQL in a database of the shared control cluster as its superuser (peer: the container's postgres user). */
export function sharedControlPsql(database: string, sql: string): string {
  return execFileSync('docker', ['exec', '-u', 'postgres', sharedControlContainer(), 'psql', '-XAtq', '-d', database, '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function removeShared(): void {
  for (const kind of ['container', 'volume']) {
    const ls = kind === 'container' ? ['ps', '-aq'] : ['volume', 'ls', '-q'];
    const ids = execFileSync('docker', [...ls, '--filter', `label=pgsbx.control=${sharedPrefix}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    if (ids.length) execFileSync('docker', kind === 'container' ? ['rm', '-f', '-v', ...ids] : ['volume', 'rm', '-f', ...ids]);
  }
}

// Registered when a test file imports this (via the harness): the shared container goes with the file.
if (typeof afterAll === 'function') {
  afterAll(() => {
    if (socketDir) removeShared();
    socketDir = undefined;
    databases.clear();
  });
}
