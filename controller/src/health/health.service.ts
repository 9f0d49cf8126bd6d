import { Injectable } from '@nestjs/common';
import type { Health } from '@pgsbx/contract';
import { AppConfig } from '../config/app-config';
import { FleetService } from '../fleet/fleet.service';
import { ContainerRuntime } from '../runtime/container-runtime';

// require, not import: package.json is outside tsconfig.build's rootDir (src).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const VERSION = (require('../../package.json') as { version: string }).version;

/** Whether the controller can give out sandboxes: the engine answers and the image is there. */
@Injectable()
export class HealthService {
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly fleet: FleetService,
    private readonly config: AppConfig,
  ) {}

  async check(): Promise<Health> {
    let docker = true;
    let image = false;
    try {
      await this.runtime.ping();
      image = (await this.runtime.imageId(this.config.image)) !== null;
    } catch {
      docker = false;
    }
    return {
      status: docker && image ? 'ok' : 'unavailable',
      version: VERSION,
      startedAt: this.startedAt,
      docker,
      image: { ref: this.config.image, present: image },
      pool: this.fleet.poolStatus,
    };
  }
}
