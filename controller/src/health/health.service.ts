import { Injectable } from '@nestjs/common';
import type { Health } from '@pgsbx/contract';
import { AppConfig } from '../config/app-config';
import { FleetService } from '../fleet/fleet.service';
import { ControlStore } from '../control/control-store';
import { ContainerRuntime } from '../runtime/container-runtime';

/** A control database that takes longer than this to answer SELECT 1 counts as unreachable. */
const CONTROL_PING_MS = 2000;

// require, not import: package.json is outside tsconfig.build's rootDir (src).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const VERSION = (require('../../package.json') as { version: string }).version;

/** Whether the controller can give out sandboxes: the engine answers, the image is there, the control database answers. */
@Injectable()
export class HealthService {
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly fleet: FleetService,
    private readonly config: AppConfig,
    private readonly control: ControlStore,
  ) {}

  async check(): Promise<Health> {
    let docker = true;
    let image = false;
    const control = this.pingControl();
    try {
      await this.runtime.ping();
      image = (await this.runtime.imageId(this.config.image)) !== null;
    } catch {
      docker = false;
    }
    const controlOk = await control;
    return {
      status: docker && image && controlOk ? 'ok' : 'unavailable',
      version: VERSION,
      startedAt: this.startedAt,
      docker,
      image: { ref: this.config.image, present: image },
      pool: this.fleet.poolStatus,
      control: controlOk ? 'ok' : 'unreachable',
    };
  }

  private async pingControl(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CONTROL_PING_MS)));
    try {
      return await Promise.race([
        this.control.ping().then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
