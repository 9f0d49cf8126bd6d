import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import type { FleetStats, PoolStatus, ReapResult, RemoveResult, SandboxDetail, SandboxLogs, SandboxView } from '@pgsbx/contract';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Admin } from '../auth/roles';
import { parseDuration } from '../common/duration';
import { ContainerRuntime, ContainerStats } from '../runtime/container-runtime';
import { SandboxService } from '../sandbox/sandbox.service';
import { PoolSizeDto, ReapRequestDto } from './admin.dto';
import {
  FleetStatsDto,
  PoolStatusDto,
  ReapResultDto,
  RemoveResultDto,
  SandboxDetailDto,
  SandboxLogsDto,
  SandboxViewDto,
} from '../admin/admin-views.dto';
import { FleetService, Sandbox } from './fleet.service';

const STATS_TTL_MS = 2000;
const FORCE = ApiQuery({ name: 'force', required: false, description: 'true: go ahead even while a statement runs.' });

/** The operators' API, spoken by sandboxctl. */
@Controller('api/admin')
@Admin()
@ApiBearerAuth()
export class AdminController {
  /** Engine stats are slow and `top` polls: one call per container per two seconds at most. */
  private readonly statsCache = new Map<string, { at: number; stats: Promise<ContainerStats | null> }>();

  constructor(
    private readonly fleet: FleetService,
    private readonly sandboxes: SandboxService,
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Get('sandboxes')
  @ApiOkResponse({ type: [SandboxViewDto] })
  @ApiQuery({ name: 'stats', required: false, description: '0 or false: skip the engine stats (memory, CPU).' })
  async list(@Query('stats') stats?: string): Promise<SandboxView[]> {
    const withStats = stats !== '0' && stats !== 'false';
    return Promise.all(this.fleet.list().map((sb) => this.view(sb, withStats)));
  }

  @Get('sandboxes/:user')
  @ApiOkResponse({ type: SandboxDetailDto })
  async inspect(@Param('user') user: string): Promise<SandboxDetail> {
    const sb = this.need(user);
    return { ...(await this.view(sb, true)), status: this.sandboxes.status(user) };
  }

  @Get('sandboxes/:user/logs')
  @ApiOkResponse({ type: SandboxLogsDto })
  @ApiQuery({ name: 'tail', required: false, type: 'integer', description: 'Lines from the end (default 100, at most 10000).' })
  async logs(@Param('user') user: string, @Query('tail', new ParseIntPipe({ optional: true })) tail?: number): Promise<SandboxLogs> {
    const sb = this.need(user);
    return { logs: await this.runtime.logs(sb.containerId, Math.min(Math.max(tail ?? 100, 1), 10_000)) };
  }

  /** A busy sandbox (a statement running) is a 409 unless ?force=true: the statement would be cut. */
  @Post('sandboxes/:user/reset')
  @HttpCode(200)
  @ApiOkResponse({ type: SandboxViewDto })
  @FORCE
  async reset(@Param('user') user: string, @Query('force') force?: string): Promise<SandboxView> {
    this.notBusy(this.need(user), force, 'reset');
    return this.view(await this.fleet.reset(user), false);
  }

  @Delete('sandboxes/:user')
  @ApiOkResponse({ type: RemoveResultDto })
  @FORCE
  async remove(@Param('user') user: string, @Query('force') force?: string): Promise<RemoveResult> {
    const sb = this.fleet.find(user);
    if (sb) this.notBusy(sb, force, 'remove');
    if (!(await this.fleet.removeUser(user, 'admin'))) throw new NotFoundException(`User "${user}" has no sandbox.`);
    return { removed: true };
  }

  @Post('reap')
  @HttpCode(200)
  @ApiOkResponse({ type: ReapResultDto })
  async reap(@Body() body: ReapRequestDto): Promise<ReapResult> {
    const idleMs = body.idle ? parseDuration(body.idle) : this.config.idleTimeoutMs;
    const reaped = await this.fleet.sweep({ dryRun: body.dryRun === true, idleMs });
    return { dryRun: body.dryRun === true, idleMs, reaped };
  }

  @Get('pool')
  @ApiOkResponse({ type: PoolStatusDto })
  pool(): PoolStatus {
    return this.fleet.poolStatus;
  }

  @Put('pool')
  @ApiOkResponse({ type: PoolStatusDto })
  setPool(@Body() body: PoolSizeDto): PoolStatus {
    this.fleet.setPoolTarget(body.size);
    return this.fleet.poolStatus;
  }

  @Post('drain')
  @HttpCode(200)
  @ApiOkResponse({ type: PoolStatusDto })
  drain(): PoolStatus {
    this.fleet.setDraining(true);
    return this.fleet.poolStatus;
  }

  @Post('undrain')
  @HttpCode(200)
  @ApiOkResponse({ type: PoolStatusDto })
  undrain(): PoolStatus {
    this.fleet.setDraining(false);
    return this.fleet.poolStatus;
  }

  @Get('stats')
  @ApiOkResponse({ type: FleetStatsDto })
  stats(): FleetStats {
    return this.fleet.stats();
  }

  private notBusy(sb: Sandbox, force: string | undefined, what: string): void {
    if (sb.active > 0 && force !== 'true' && force !== '1') {
      throw new ConflictException(
        `User "${sb.userId ?? sb.name}" is running a statement right now; ${what} with ?force=true to cut it.`,
      );
    }
  }

  private cachedStats(id: string): Promise<ContainerStats | null> {
    const now = this.clock.now();
    const hit = this.statsCache.get(id);
    if (hit && now - hit.at < STATS_TTL_MS) return hit.stats;
    const stats = this.runtime.stats(id).catch(() => null);
    this.statsCache.set(id, { at: now, stats });
    if (this.statsCache.size > 2 * this.fleet.list().length + 16) {
      for (const [k, v] of this.statsCache) if (now - v.at >= STATS_TTL_MS) this.statsCache.delete(k);
    }
    return stats;
  }

  private need(user: string): Sandbox {
    const sb = this.fleet.find(user);
    if (!sb) throw new NotFoundException(`User "${user}" has no sandbox.`);
    return sb;
  }

  private async view(sb: Sandbox, withStats: boolean): Promise<SandboxView> {
    const s = withStats ? await this.cachedStats(sb.containerId) : null;
    return {
      user: sb.userId ?? null,
      container: sb.name,
      containerId: sb.containerId.slice(0, 12),
      state: sb.state,
      source: sb.source,
      createdAt: new Date(sb.claimedAt).toISOString(),
      containerCreatedAt: new Date(sb.createdAt).toISOString(),
      lastUsedAt: new Date(sb.lastUsedAt).toISOString(),
      idleMs: this.clock.now() - sb.lastUsedAt,
      memoryBytes: s?.memoryBytes ?? null,
      cpuPercent: s ? Math.round(s.cpuPercent * 10) / 10 : null,
      sessions: this.sandboxes.sessionNames(sb),
      image: sb.imageId.slice(0, 19),
    };
  }
}
