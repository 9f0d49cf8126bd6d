import type { FleetStats as FleetStatsView, LatencySummary } from '@pgsbx/contract';
import { Injectable } from '@nestjs/common';
import { MetricsService } from '../common/metrics.service';
import { AppConfig } from '../config/app-config';
import { CurrentImage } from './current-image';
import { percentile } from './percentile';
import { SandboxRegistry } from './sandbox-registry';
import type { ReapReason } from './retire-reasons';
import { WarmPool } from './warm-pool';

/** Provisioning latencies kept per source, for the percentiles: the most recent ones. */
const LATENCY_WINDOW = 1000;

/** The fleet at a glance (`GET /api/admin/stats`, `sandboxctl stats`): the wire contract's shape. */
export type { FleetStatsView, LatencySummary };

/** Counts what the fleet did (provisioning times, removals by reason) and reports its state. */
@Injectable()
export class FleetStats {
  private readonly latencies: Record<'pool' | 'cold', number[]> = { pool: [], cold: [] };
  private readonly reapCounts: Partial<Record<ReapReason, number>> = {};

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SandboxRegistry,
    private readonly pool: WarmPool,
    private readonly image: CurrentImage,
    private readonly metrics: MetricsService,
  ) {}

  recordProvision(source: 'pool' | 'cold', ms: number): void {
    this.metrics.provisionSeconds.observe({ source }, ms / 1000);
    const window = this.latencies[source];
    window.push(ms);
    if (window.length > LATENCY_WINDOW) window.shift();
  }

  countReap(reason: ReapReason): void {
    this.reapCounts[reason] = (this.reapCounts[reason] ?? 0) + 1;
    this.metrics.reaps.inc({ reason });
  }

  snapshot(): FleetStatsView {
    const all = this.registry.list();
    const summary = (xs: number[]): LatencySummary => ({ count: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95) });
    return {
      sandboxes: all.length,
      busy: all.filter((s) => s.active > 0).length,
      starting: this.registry.provisioningCount,
      capacity: this.config.maxSandboxes,
      pool: this.pool.status,
      provisioningMs: { pool: summary(this.latencies.pool), cold: summary(this.latencies.cold) },
      reaps: { ...this.reapCounts },
      image: this.config.image,
      imagePresent: this.image.id !== null,
    };
  }
}
