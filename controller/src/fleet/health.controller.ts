import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import type { Health } from '@pgsbx/contract';
import type { Response } from 'express';
import { Public } from '../auth/roles';
import { MetricsService } from '../common/metrics.service';
import { ContainerRuntime } from '../runtime/container-runtime';
import { AppConfig } from '../config/app-config';
import { FleetService } from './fleet.service';
import { HealthDto } from '../health/health.dto';

const VERSION = (require('../../package.json') as { version: string }).version;

@Controller()
export class HealthController {
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly fleet: FleetService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('healthz')
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Docker or the sandbox image is missing.' })
  async health(@Res({ passthrough: true }) res: Response): Promise<Health> {
    let docker = true;
    let image = false;
    try {
      await this.runtime.ping();
      image = (await this.runtime.imageId(this.config.image)) !== null;
    } catch {
      docker = false;
    }
    const ok = docker && image;
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      version: VERSION,
      startedAt: this.startedAt,
      docker,
      image: { ref: this.config.image, present: image },
      pool: this.fleet.poolStatus,
    };
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus metrics.', schema: { type: 'string' } })
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
