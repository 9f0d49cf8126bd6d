import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly sandboxes = new Gauge({
    name: 'pgsbx_sandboxes',
    help: 'User sandboxes by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly poolSize = new Gauge({ name: 'pgsbx_pool_ready', help: 'Ready, unclaimed pool containers', registers: [this.registry] });
  readonly poolTarget = new Gauge({ name: 'pgsbx_pool_target', help: 'Configured warm pool size', registers: [this.registry] });
  readonly provisionSeconds = new Histogram({
    name: 'pgsbx_provision_seconds',
    help: 'Time to give a user a ready sandbox, by source',
    labelNames: ['source'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly execSeconds = new Histogram({
    name: 'pgsbx_exec_seconds',
    help: 'Duration of POST /api/sandbox/exec',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 10, 30],
    registers: [this.registry],
  });
  readonly reaps = new Counter({
    name: 'pgsbx_reaps_total',
    help: 'Sandboxes removed, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly archiveSeconds = new Histogram({
    name: 'pgsbx_archive_seconds',
    help: 'Hibernate, wake and checkpoint durations (op: hibernate, wake, checkpoint, restore)',
    labelNames: ['op', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 120],
    registers: [this.registry],
  });
  readonly hibernated = new Gauge({
    name: 'pgsbx_hibernated_users',
    help: 'Users whose database is saved and who have no container',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'pgsbx_controller_' });
  }
}
