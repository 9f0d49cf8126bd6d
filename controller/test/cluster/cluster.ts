import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger } from '../../src/common/json-logger';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { SwarmRuntime } from '../../src/runtime/swarm-runtime';
import { SandboxAuthority } from '../../src/tls/sandbox-authority';

/** The DinD swarm of scripts/cluster/up.sh (`npm run test:cluster` brings it up). */
export const CLUSTER = process.env.PGSBX_CLUSTER ?? 'pgsbx-cluster';
export const MANAGER_SOCKET = `/run/${CLUSTER}/manager.sock`;
export const NODES = [1, 2, 3].map((i) => `${CLUSTER}-${i}`);

/** A docker command run inside a node (its own engine). */
export function onNode(node: string, args: string[]): string {
  return execFileSync('docker', ['exec', node, 'docker', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function swarmConfig(prefix: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    SANDBOX_RUNTIME: 'swarm',
    SANDBOX_DOCKER_HOST: `unix://${MANAGER_SOCKET}`,
    SANDBOX_PREFIX: prefix,
    SANDBOX_READY_TIMEOUT: '60s',
    LOG_LEVEL: 'error',
    // Runtime-level tests: no control store is opened, but the swarm runtime's config requires one.
    CONTROL_DATABASE_URL: 'postgres://unused.invalid/pgsbx',
    // The sandboxes' CA, kept per test run (the controller keeps its own: SANDBOX_CA_DIR).
    SANDBOX_CA_DIR: join(tmpdir(), `pgsbx-cluster-ca-${process.pid}`),
    // The image cluster:up loaded into the nodes (SANDBOX_IMAGE there too).
    ...(process.env.SANDBOX_IMAGE ? { SANDBOX_IMAGE: process.env.SANDBOX_IMAGE } : {}),
    ...env,
  });
}

export function swarmRuntime(prefix: string, env: Record<string, string> = {}): SwarmRuntime {
  const config = swarmConfig(prefix, env);
  return new SwarmRuntime(config, new JsonLogger(config.logLevel), new SandboxAuthority(config));
}

/** Every service of a prefix (sandboxes and name locks) removed from the swarm, then their secrets. */
export function removeServices(prefix: string): void {
  const ls = (what: string) =>
    onNode(NODES[0], [what, 'ls', '-q', '--filter', `label=pgsbx.prefix=${prefix}`])
      .split('\n')
      .filter(Boolean);
  const ids = ls('service');
  if (ids.length) onNode(NODES[0], ['service', 'rm', ...ids]);
  const secrets = ls('secret');
  if (secrets.length) onNode(NODES[0], ['secret', 'rm', ...secrets]);
}

/** The manager node's address on the cluster's bridge: where the host reaches what it publishes. */
export function managerAddress(): string {
  return execFileSync('docker', ['inspect', '-f', `{{ (index .NetworkSettings.Networks "${CLUSTER}-net").IPAddress }}`, NODES[0]], {
    encoding: 'utf8',
  }).trim();
}

/** Loads a host image into a node unless the node has that image id already. */
export function loadImage(node: string, image: string): void {
  const want = execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', image], { encoding: 'utf8' }).trim();
  let have = '';
  try {
    have = onNode(node, ['image', 'inspect', '-f', '{{.Id}}', image]);
  } catch {
    /* not there yet */
  }
  if (have !== want)
    execFileSync('sh', ['-c', `docker save "$1" | docker exec -i "$2" docker load -q`, 'sh', image, node], { stdio: 'ignore' });
}
