import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiAnswer, callApi } from './deployed-api';
import { MANAGER, NODES, loadImage, managerAddress, onNode, until } from './dind-cluster';

export type { ApiAnswer };

export interface StackOptions {
  /** Stack name; also the sandboxes' prefix. */
  name: string;
  /** The controller's published port on the manager. */
  port: number;
  /** Two distinct /24s and a /20 per stack, so stacks deployed one after another never collide. */
  controlSubnet: string;
  sandboxSubnet: string;
  /** More of stack.yaml's variables (SANDBOX_WARM_POOL, SANDBOX_AUTOSAVE, …). */
  env?: Record<string, string>;
}

/**
 * deploy/stack.yaml, deployed with `docker stack deploy` on the DinD manager and reached from the
 * host through its published port, as a user would reach it. Shared by the cluster tests and the
 * swarm bench, so both measure exactly what an operator deploys.
 */
export class StackDeployment {
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly controllerImage = process.env.CONTROLLER_IMAGE ?? 'pgsbx/controller';
  readonly sandboxImage = process.env.SANDBOX_IMAGE ?? 'pgsbx/postgres:17';
  base = '';

  constructor(readonly options: StackOptions) {}

  get name(): string {
    return this.options.name;
  }

  api(method: string, path: string, user?: string, body?: unknown, role?: string): Promise<ApiAnswer> {
    return callApi(this, method, path, { user, body, role });
  }

  admin(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return this.api(method, path, 'ops', body, 'admin');
  }

  /** Deploys the stack and waits until the controller answers /healthz (its logs in the error otherwise). */
  async deploy(): Promise<void> {
    loadImage(MANAGER, this.controllerImage);
    execFileSync('docker', ['exec', '-i', MANAGER, 'sh', '-c', `cat > /tmp/${this.name}.yaml`], {
      input: readFileSync(join(__dirname, '../../../deploy/stack.yaml')),
    });
    const env = {
      JWT_SECRET: this.jwtSecret,
      CONTROL_PASSWORD: randomBytes(24).toString('hex'),
      CONTROLLER_IMAGE: this.controllerImage,
      SANDBOX_IMAGE: this.sandboxImage,
      SANDBOX_NETWORK: `${this.name}-sandboxes`,
      CONTROL_SUBNET: this.options.controlSubnet,
      SANDBOX_SUBNET: this.options.sandboxSubnet,
      SANDBOX_PREFIX: this.name,
      PGSBX_PORT: String(this.options.port),
      ...this.options.env,
    };
    const vars = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    execFileSync('docker', ['exec', ...vars, MANAGER, 'docker', 'stack', 'deploy', '-c', `/tmp/${this.name}.yaml`, this.name], {
      stdio: 'pipe',
    });
    this.base = `http://${managerAddress()}:${this.options.port}`;
    await this.healthy(120_000);
  }

  async healthy(timeoutMs: number): Promise<void> {
    await until(
      'the controller answers /healthz',
      async () => ((await this.api('GET', '/healthz')).status === 200 ? true : undefined),
      timeoutMs,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${this.controllerLogs()}`);
    });
  }

  /** The controller's running container on the manager ('' when none runs). */
  controllerContainer(): string {
    return onNode(MANAGER, ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${this.name}_controller`]);
  }

  controllerLogs(): string {
    try {
      return onNode(MANAGER, ['service', 'logs', '--tail', '40', `${this.name}_controller`]);
    } catch (e) {
      return (e as Error).message;
    }
  }

  /**
   * The controller first (it would refill its pool), then its sandboxes (services of their own,
   * not the stack's, on the stack's overlay), then the stack, its secrets, volumes and overlay.
   */
  async remove(): Promise<void> {
    const ls = (what: string, filter: string) => onNode(MANAGER, [what, 'ls', '-q', '--filter', filter]).split('\n').filter(Boolean);
    const quietly = (args: string[]) => {
      try {
        execFileSync('docker', ['exec', MANAGER, 'docker', ...args], { stdio: 'ignore' });
      } catch {
        /* gone already (or a worker's: cluster:down removes the nodes' volumes) */
      }
    };
    quietly(['service', 'rm', `${this.name}_controller`]);
    const sandboxes = ls('service', `label=pgsbx.prefix=${this.name}`);
    if (sandboxes.length) quietly(['service', 'rm', ...sandboxes]);
    quietly(['stack', 'rm', this.name]);
    // Gone from every node, not only from the manager: the next tests count tasks per node.
    const leftOn = (node: string) => {
      try {
        return (
          onNode(node, ['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${this.name}`]) +
          onNode(node, ['ps', '-aq', '--filter', `label=pgsbx.prefix=${this.name}`])
        );
      } catch {
        return ''; // a node that is down has nothing running
      }
    };
    await until('the stack and its sandboxes are gone', async () => (NODES.some(leftOn) ? undefined : true), 90_000);
    const secrets = ls('secret', `label=pgsbx.prefix=${this.name}`);
    if (secrets.length) quietly(['secret', 'rm', ...secrets]);
    quietly(['network', 'rm', `${this.name}-sandboxes`]);
    for (const v of ['ca', 'archives', 'control-data']) quietly(['volume', 'rm', `${this.name}_${v}`]);
  }
}
