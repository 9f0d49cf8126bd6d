import { execFileSync } from 'node:child_process';

/**
 * The Docker-in-Docker swarm of scripts/cluster/up.sh, as the cluster tests and the swarm bench
 * reach it: node containers on the host, each with an engine of its own.
 */
export const CLUSTER = process.env.PGSBX_CLUSTER ?? 'pgsbx-cluster';
export const MANAGER_SOCKET = `/run/${CLUSTER}/manager.sock`;
export const NODES = [1, 2, 3].map((i) => `${CLUSTER}-${i}`);
export const MANAGER = NODES[0];

/** A docker command run inside a node (its own engine). */
export function onNode(node: string, args: string[], input?: string | Buffer): string {
  return execFileSync('docker', ['exec', ...(input === undefined ? [] : ['-i']), node, 'docker', ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

/** The manager node's address on the cluster's bridge: where the host reaches what it publishes. */
export function managerAddress(): string {
  return execFileSync('docker', ['inspect', '-f', `{{ (index .NetworkSettings.Networks "${CLUSTER}-net").IPAddress }}`, MANAGER], {
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

/** Polls until the probe gives a value (errors count as "not yet"); the last error in the message. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (${(last as Error | undefined)?.message ?? 'no answer'})`);
}
