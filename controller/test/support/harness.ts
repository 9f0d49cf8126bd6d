import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { JwtService } from '@nestjs/jwt';
import type { SandboxResult } from '@pgsbx/contract';
import { JsonLogger } from '../../src/common/json-logger';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { FleetService } from '../../src/fleet/fleet.service';
import { createApp } from '../../src/main';
import { testArchiveDir } from './archive-dirs';
import { testControlDatabaseUrl } from './control-database';

let seq = 0;

/** A unique container prefix per harness, so parallel runs and leftovers never collide. */
export function testPrefix(): string {
  return `pgsbx-t${process.pid % 100000}-${++seq}`;
}

/**
 * Every container of a prefix removed, with its socket volume (and any orphaned one), and the
 * prefix's embedded control database (`<prefix>-control`, labelled apart from the fleet) with its volumes.
 */
export function removeContainers(prefix: string): void {
  for (const label of [`pgsbx.prefix=${prefix}`, `pgsbx.control=${prefix}`]) {
    const ids = docker(['ps', '-aq', '--filter', `label=${label}`])
      .split('\n')
      .filter(Boolean);
    // Tolerant: the controller may be removing some of them right now.
    for (const id of ids) tryDocker(['rm', '-f', '-v', id]);
    const volumes = docker(['volume', 'ls', '-q', '--filter', `label=${label}`])
      .split('\n')
      .filter(Boolean);
    for (const v of volumes) tryDocker(['volume', 'rm', '-f', v]);
  }
}

export function containersOf(prefix: string, extra: string[] = []): { id: string; name: string }[] {
  return docker(['ps', '-a', '--filter', `label=pgsbx.prefix=${prefix}`, ...extra, '--format', '{{.ID}} {{.Names}}'])
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, name] = l.split(' ');
      return { id, name };
    });
}

function tryDocker(args: string[]): void {
  try {
    docker(args);
  } catch {
    /* gone already, or going */
  }
}

export function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export interface Harness {
  url: string;
  prefix: string;
  config: AppConfig;
  app: INestApplication;
  fleet: FleetService;
  token(userId: string, role?: string): string;
  exec(token: string, sql: string, session?: string): Promise<{ status: number; body: SandboxResult[] & ErrorBody; headers: Headers }>;
  request(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** The real controller in this process, on a free port, against the real Docker engine. */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const prefix = env.SANDBOX_PREFIX ?? testPrefix();
  // A real control store: this file's shared control Postgres, a database per prefix. Pass
  // CONTROL_DATABASE_URL: '' for the embedded `<prefix>-control` container instead.
  const control = env.CONTROL_DATABASE_URL ?? (await testControlDatabaseUrl(prefix));
  const config = loadConfig({
    SANDBOX_WARM_POOL: '1',
    SANDBOX_STATEMENT_TIMEOUT: '10s',
    LOG_LEVEL: 'warn',
    // Saving every sandbox at close would only slow tests down; hibernation tests turn it on.
    SANDBOX_HIBERNATE_ON_SHUTDOWN: 'off',
    ...(process.env.SANDBOX_IMAGE ? { SANDBOX_IMAGE: process.env.SANDBOX_IMAGE } : {}),
    SANDBOX_ARCHIVE_DIR: env.SANDBOX_ARCHIVE_DIR ?? testArchiveDir(prefix),
    ...env,
    CONTROL_DATABASE_URL: control,
    SANDBOX_PREFIX: prefix,
    PORT: '0',
  });
  const app = await createApp(config, new JsonLogger(config.logLevel));
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  const jwt = app.get(JwtService);
  const fleet = app.get(FleetService);
  const request: Harness['request'] = async (method, path, token, body) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: tests assert on that */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    url,
    prefix,
    config,
    app,
    fleet,
    token: (userId, role = 'pro') => jwt.sign({ sub: userId, role }),
    exec: (token, sql, session) => request('POST', '/api/sandbox/exec', token, session ? { sql, session } : { sql }),
    request,
    close: async () => {
      await fleet.settle();
      await app.close();
      await fleet.settle();
      removeContainers(prefix);
    },
  };
}
