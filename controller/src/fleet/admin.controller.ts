import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { Admin } from '../auth/roles';
import { parseDuration } from '../common/duration';
import { ContainerRuntime } from '../runtime/container-runtime';
import { SandboxService } from '../sandbox/sandbox.service';
import { PoolSizeDto, ReapRequestDto } from './admin.dto';
import { FleetService, Sandbox } from './fleet.service';

export interface SandboxView {
  user: string | null;
  container: string;
  containerId: string;
  state: 'ready' | 'busy';
  source: string;
  createdAt: string;
  lastUsedAt: string;
  idleMs: number;
  memoryBytes: number | null;
  cpuPercent: number | null;
  sessions: string[];
  image: string;
}

/** The operators' API, spoken by sandboxctl. */
@Controller('api/admin')
@Admin()
export class AdminController {
  constructor(
    private readonly fleet: FleetService,
    private readonly sandboxes: SandboxService,
    private readonly runtime: ContainerRuntime,
  ) {}

  @Get('sandboxes')
  async list(@Query('stats') stats?: string): Promise<SandboxView[]> {
    const withStats = stats !== '0' && stats !== 'false';
    return Promise.all(this.fleet.list().map((sb) => this.view(sb, withStats)));
  }

  @Get('sandboxes/:user')
  async inspect(@Param('user') user: string): Promise<SandboxView & { status: ReturnType<SandboxService['status']> }> {
    const sb = this.need(user);
    return { ...(await this.view(sb, true)), status: this.sandboxes.status(user) };
  }

  @Get('sandboxes/:user/logs')
  async logs(@Param('user') user: string, @Query('tail', new ParseIntPipe({ optional: true })) tail?: number): Promise<{ logs: string }> {
    const sb = this.need(user);
    return { logs: await this.runtime.logs(sb.containerId, Math.min(Math.max(tail ?? 100, 1), 10_000)) };
  }

  @Post('sandboxes/:user/reset')
  @HttpCode(200)
  async reset(@Param('user') user: string): Promise<SandboxView> {
    this.need(user);
    return this.view(await this.fleet.reset(user), false);
  }

  @Delete('sandboxes/:user')
  async remove(@Param('user') user: string): Promise<{ removed: boolean }> {
    if (!(await this.fleet.removeUser(user, 'admin'))) throw new NotFoundException(`User "${user}" has no sandbox.`);
    return { removed: true };
  }

  @Post('reap')
  @HttpCode(200)
  async reap(@Body() body: ReapRequestDto) {
    const idleMs = body.idle ? parseDuration(body.idle) : undefined;
    const reaped = await this.fleet.sweep({ dryRun: body.dryRun === true, idleMs });
    return { dryRun: body.dryRun === true, reaped };
  }

  @Get('pool')
  pool() {
    return this.fleet.poolStatus;
  }

  @Put('pool')
  setPool(@Body() body: PoolSizeDto) {
    this.fleet.setPoolTarget(body.size);
    return this.fleet.poolStatus;
  }

  @Post('drain')
  @HttpCode(200)
  drain() {
    this.fleet.setDraining(true);
    return this.fleet.poolStatus;
  }

  @Post('undrain')
  @HttpCode(200)
  undrain() {
    this.fleet.setDraining(false);
    return this.fleet.poolStatus;
  }

  @Get('stats')
  stats() {
    return this.fleet.stats();
  }

  private need(user: string): Sandbox {
    const sb = this.fleet.find(user);
    if (!sb) throw new NotFoundException(`User "${user}" has no sandbox.`);
    return sb;
  }

  private async view(sb: Sandbox, withStats: boolean): Promise<SandboxView> {
    const s = withStats ? await this.runtime.stats(sb.containerId).catch(() => null) : null;
    return {
      user: sb.userId ?? null,
      container: sb.name,
      containerId: sb.containerId.slice(0, 12),
      state: sb.state,
      source: sb.source,
      createdAt: new Date(sb.claimedAt).toISOString(),
      lastUsedAt: new Date(sb.lastUsedAt).toISOString(),
      idleMs: Date.now() - sb.lastUsedAt,
      memoryBytes: s?.memoryBytes ?? null,
      cpuPercent: s ? Math.round(s.cpuPercent * 10) / 10 : null,
      sessions: this.sandboxes.sessionNames(sb),
      image: sb.imageId.slice(0, 19),
    };
  }
}
