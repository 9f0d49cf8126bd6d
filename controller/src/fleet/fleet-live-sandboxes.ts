import { Injectable } from '@nestjs/common';
import { LiveSandboxes } from '../archive/retention';
import { AppConfig } from '../config/app-config';
import { userContainerName } from '../domain/sandbox-names';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';

/** What archive retention needs to know of the fleet: who has a sandbox, and the users' lock. */
@Injectable()
export class FleetLiveSandboxes extends LiveSandboxes {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: SandboxRegistry,
    private readonly lock: UserLock,
  ) {
    super();
  }

  has(userId: string): boolean {
    const name = userContainerName(this.config.prefix, userId, this.config.runtime);
    return this.registry.has(name) || this.registry.isProvisioning(name);
  }

  exclusive<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(userContainerName(this.config.prefix, userId, this.config.runtime), fn);
  }
}
