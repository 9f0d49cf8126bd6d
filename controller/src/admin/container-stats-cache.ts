import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ContainerRuntime, ContainerStats } from '../runtime/container-runtime';

const STATS_TTL_MS = 2000;

/** Engine stats are slow and `top` polls: one call per container per two seconds at most. */
@Injectable()
export class ContainerStatsCache {
  private readonly cache = new Map<string, { at: number; stats: Promise<ContainerStats | null> }>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
  ) {}

  /** `live`: how many containers there are now, to keep the cache near that size. */
  get(id: string, live: number): Promise<ContainerStats | null> {
    const now = this.clock.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < STATS_TTL_MS) return hit.stats;
    const stats = this.runtime.stats(id).catch(() => null);
    this.cache.set(id, { at: now, stats });
    if (this.cache.size > 2 * live + 16) {
      for (const [k, v] of this.cache) if (now - v.at >= STATS_TTL_MS) this.cache.delete(k);
    }
    return stats;
  }
}
