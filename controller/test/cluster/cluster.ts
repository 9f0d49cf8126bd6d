import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger } from '../../src/common/json-logger';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { SwarmRuntime } from '../../src/runtime/swarm-runtime';
import { SandboxAuthority } from '../../src/tls/sandbox-authority';

export { CLUSTER, MANAGER_SOCKET, NODES, loadImage, managerAddress, onNode } from '../../src/cluster/dind-cluster';
import { MANAGER_SOCKET, NODES, onNode } from '../../src/cluster/dind-cluster';

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
