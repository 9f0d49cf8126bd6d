import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { Semaphore } from '../common/semaphore';
import { AppConfig } from '../config/app-config';
import type { SandboxConnection } from '../database/sandbox-connection';
import { SandboxConnector } from '../database/sandbox-connector';
import { ContainerInfo, ContainerRuntime, SandboxContainerSpec } from '../runtime/container-runtime';

export interface StartedContainer {
  info: ContainerInfo;
  /** The connection that proved readiness. */
  client: SandboxConnection;
}

/**
 * Starts a sandbox container and waits until Postgres answers, at most SANDBOX_START_CONCURRENCY
 * at once (a user waiting goes before a pool refill). One that never answers is removed.
 */
@Injectable()
export class ContainerStarter {
  private readonly slots: Semaphore;

  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
    private readonly connector: SandboxConnector,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
  ) {
    this.slots = new Semaphore(config.startConcurrency);
  }

  /** Throws NameConflictError when the name is taken. `forUser`: a user waits on it. */
  start(name: string, forUser: boolean): Promise<StartedContainer> {
    return this.slots.run(async () => {
      const info = await this.runtime.start(this.spec(name));
      try {
        return { info, client: await this.connector.waitReady(info.endpoint, this.config.readyTimeoutMs) };
      } catch (e) {
        await this.runtime
          .remove(info.id)
          .catch(warnOnFailure(this.log, 'fleet', 'removing a container that never answered failed', { container: name }));
        throw e;
      }
    }, forUser);
  }

  private spec(name: string): SandboxContainerSpec {
    return {
      name,
      image: this.config.image,
      labels: {
        'pgsbx.prefix': this.config.prefix,
        'pgsbx.image': this.config.image,
        'pgsbx.created-at': new Date(this.clock.now()).toISOString(),
      },
      memoryBytes: this.config.memoryBytes,
      dataBytes: this.config.dataBytes,
      cpus: this.config.cpus,
      pidsLimit: this.config.pidsLimit,
    };
  }
}
