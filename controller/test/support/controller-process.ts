import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testArchiveDir } from './archive-dirs';
import { testControlDatabaseUrl } from './control-database';

export const MAIN_JS = join(__dirname, '../../dist/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ControllerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The built controller as its own process (restart and kill -9 tests); same prefix, same archive directory. */
export async function spawnController(env: Record<string, string>): Promise<ControllerProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run npm run build first`);
  const port = await freePort();
  // As the harness: this file's shared control Postgres, one database per prefix, unless the test names one ('' = embedded).
  const control = env.CONTROL_DATABASE_URL ?? (env.SANDBOX_PREFIX ? await testControlDatabaseUrl(env.SANDBOX_PREFIX) : undefined);
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      SANDBOX_HIBERNATE_ON_SHUTDOWN: 'off',
      SANDBOX_ARCHIVE_DIR: env.SANDBOX_ARCHIVE_DIR ?? testArchiveDir(env.SANDBOX_PREFIX ?? 'pgsbx'),
      ...env,
      ...(control !== undefined ? { CONTROL_DATABASE_URL: control } : {}),
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`controller exited: ${out}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`controller did not become healthy: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
