/**
 * The paths the ceilings bench puts beside the controller's exec: a bare node:http server, node-
 * postgres on the sandbox's socket without HTTP, and pgbench in a container on that socket.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PinnedSocket } from '../database/pinned-socket';

/** Answers a second and the latency of each, ms. */
export interface Measured {
  perSecond: number;
  latencies: number[];
}

/** How pgbench is run: docker, the sandbox image (it has pgbench), seconds. */
export interface PgbenchRun {
  docker(args: string[]): string;
  image: string;
  seconds: number;
}

/** A node:http server in its own process (as the controller is) that reads the body and answers `answer`. */
export async function withBareServer(answer: string, fn: (port: number) => Promise<void>): Promise<void> {
  const script = `
    const body = Buffer.from(${JSON.stringify(answer)});
    const server = require('node:http').createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }); res.end(body); });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('exit', () => reject(new Error('the bare http server exited')));
    });
    await fn(port);
  } finally {
    child.kill();
  }
}

export async function connectPg(socketDir: string): Promise<Client> {
  const socket = PinnedSocket.open(socketDir);
  try {
    const c = new Client({ host: socketDir, user: 'sandbox', database: 'sandbox', stream: () => socket.stream() });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  } finally {
    socket.close();
  }
}

/** `clients` node-postgres connections, each running `select 1` back to back (simple protocol, as pg does). */
export async function nodePostgres(socketDir: string, clients: number, seconds: number): Promise<Measured> {
  const conns = await Promise.all(Array.from({ length: clients }, () => connectPg(socketDir)));
  try {
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      conns.map(async (c) => {
        while (performance.now() < until) {
          const t = performance.now();
          await c.query('select 1');
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { perSecond: latencies.length / ((performance.now() - started) / 1000), latencies };
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}

/** pgbench -M prepared in a container of the sandbox image on the sandbox's socket, with per-transaction latencies. */
export function runPgbench(run: PgbenchRun, socketDir: string, clients: number): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'pgsbx-ceilings-'));
  try {
    writeFileSync(join(dir, 'select1.sql'), 'select 1;\n');
    // one line per transaction: client, number, latency (µs), script, epoch s, µs
    const out = run.docker([
      'run', '--rm', '--network', 'none', '--user', '0',
      '-v', `${socketDir}:/var/run/postgresql`, '-v', `${dir}:/bench`,
      '--entrypoint', '/usr/lib/postgresql/17/bin/pgbench', run.image,
      '-h', '/var/run/postgresql', '-U', 'sandbox', '-d', 'sandbox', '-n', '-M', 'prepared',
      '-c', String(clients), '-j', String(Math.min(2, clients)), '-T', String(run.seconds),
      '-f', '/bench/select1.sql', '-l', '--log-prefix', '/bench/tx',
    ]); // prettier-ignore
    const latencies: number[] = [];
    for (const f of readdirSync(dir).filter((n) => n.startsWith('tx'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const us = Number(line.split(' ')[2]);
        if (line && Number.isFinite(us)) latencies.push(us / 1000);
      }
    }
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    return { perSecond: tps, latencies };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
