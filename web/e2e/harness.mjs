// Starts the real controller (serving a fresh build of the notebook) against real Docker, and
// tears everything down again: the controller process, then every container with this run's prefix.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(webDir, '..');
export const outputDir = join(webDir, 'test-output');
const controllerMain = join(repoDir, 'controller/dist/main.js');
const image = process.env.SANDBOX_IMAGE || 'pgsbx/postgres:17';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export function preflight() {
  if (!existsSync(controllerMain))
    throw new Error(
      `${controllerMain} is missing: the browser tests run against the real controller. Run \`npm run build\` at the repository root first.`,
    );
  if (!existsSync('/usr/bin/chromium'))
    throw new Error("/usr/bin/chromium is missing: install Debian's chromium package (apt-get install chromium).");
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
  } catch {
    throw new Error(`Docker image ${image} is missing (or Docker is not running): build it with images/build.sh.`);
  }
}

/** Builds the notebook into a temporary directory, so the test always serves the current source. */
export function buildWeb(outDir) {
  execFileSync(
    process.execPath,
    [join(repoDir, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    {
      cwd: webDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/** `env`: more controller settings (e.g. a short SANDBOX_IDLE_TIMEOUT), over the defaults here. */
export async function startStack({ env = {} } = {}) {
  preflight();
  mkdirSync(outputDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'pgsbx-web-e2e-'));
  const dist = join(tmp, 'dist');
  const t0 = Date.now();
  buildWeb(dist);
  const buildMs = Date.now() - t0;
  const port = await freePort();
  const prefix = `pgsbx-e2e-w${process.pid}`.slice(0, 31);
  const sockets = join(tmp, 'sockets');
  mkdirSync(sockets);
  const log = [];
  const child = spawn(process.execPath, [controllerMain], {
    cwd: repoDir,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      SANDBOX_PREFIX: prefix,
      SANDBOX_WARM_POOL: '1',
      SANDBOX_SOCKET_ROOT: sockets,
      SANDBOX_ARCHIVE_DIR: join(tmp, 'archives'),
      WEB_DIST: dist,
      AUTH_DEV_LOGIN: 'on',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d) => {
    log.push(d.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, sig) => (exited = { code, sig }));

  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) child.kill('SIGKILL');
    }
    // Containers outlive the controller by design: remove this run's, retrying while Docker is briefly away.
    for (let attempt = 1; ; attempt++) {
      try {
        const labelled = (label) =>
          execFileSync('docker', ['ps', '-aq', '--filter', `label=${label}`], { stdio: ['ignore', 'pipe', 'pipe'] })
            .toString()
            .split(/\s+/)
            .filter(Boolean);
        // The embedded control database (issue 11) is labelled apart, and keeps its data on a named volume.
        const ids = [...labelled(`pgsbx.prefix=${prefix}`), ...labelled(`pgsbx.control=${prefix}`)];
        // -v: each sandbox's socket directory is an anonymous volume that would outlive it otherwise.
        if (ids.length) execFileSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
        execFileSync('docker', ['volume', 'rm', '-f', `${prefix}-control`, `${prefix}-control-socket`], { stdio: 'ignore' });
        break;
      } catch (e) {
        if (attempt >= 15) {
          console.error(
            `container cleanup failed; remove them with: docker ps -aq --filter label=pgsbx.prefix=${prefix} | xargs -r docker rm -f -v (${e.message})`,
          );
          break;
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`the controller exited (${JSON.stringify(exited)}):\n${log.join('')}`);
    }
    try {
      const r = await fetch(`${baseUrl}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the controller did not become healthy within 60 s:\n${log.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, prefix, stop, log, buildMs };
}
