import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CONTROLLER = resolve(__dirname, '../..');
export const CLI = join(CONTROLLER, 'dist/cli/sandboxctl.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The integration test runs the built binary. When it is missing or older than its sources it is
 * compiled here (tsc without the build script's `rm -rf dist`, so a running controller keeps its files).
 */
export function ensureCliBuilt(): void {
  const sources = Math.max(newestSource(join(CONTROLLER, 'src/cli')), statSync(join(CONTROLLER, 'src/common/duration.ts')).mtimeMs);
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= sources) return;
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(CONTROLLER, 'tsconfig.build.json')], {
      cwd: CONTROLLER,
      stdio: 'pipe',
    });
  } catch (e) {
    // tsc still emits on type errors elsewhere in the tree; only a missing binary is fatal.
    if (!existsSync(CLI))
      throw new Error(`sandboxctl is not built and tsc failed: ${(e as { stdout?: Buffer }).stdout?.toString() ?? (e as Error).message}`, {
        cause: e,
      });
  }
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < sources) {
    throw new Error(`${CLI} is missing or stale: run "npm run build -w controller"`);
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli/sandboxctl.js …` with stdin not a TTY, and only the SANDBOXCTL_* env given. */
export function sandboxctl(args: string[], env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<CliRun> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SANDBOXCTL_')) clean[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: clean, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
