import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import type {
  DrainResult,
  FleetStats,
  PoolStatus,
  ReapResult,
  RemoveResult,
  SandboxDetail,
  SandboxLogs,
  SandboxView,
} from '@pgsbx/contract';
import { Admin } from '../auth/roles';
import { FleetService } from '../fleet/fleet.service';
import { PoolSizeDto, ReapRequestDto } from './admin.dto';
import {
  FleetStatsDto,
  PoolStatusDto,
  ReapResultDto,
  RemoveResultDto,
  SandboxDetailDto,
  SandboxLogsDto,
  SandboxViewDto,
} from './admin-views.dto';
import { AdminService } from './admin.service';
import { DrainRequestDto, DrainResultDto } from './hibernation-admin.dto';

const isSet = (flag?: string) => flag === 'true' || flag === '1';
const FORCE = ApiQuery({ name: 'force', required: false, description: 'true: go ahead even while a statement runs.' });

/** The operators' API, spoken by sandboxctl. */
@Controller('api/admin')
@Admin()
@ApiBearerAuth()
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly fleet: FleetService,
  ) {}

  @Get('sandboxes')
  @ApiOkResponse({ type: [SandboxViewDto] })
  @ApiQuery({ name: 'stats', required: false, description: '0 or false: skip the engine stats (memory, CPU).' })
  list(@Query('stats') stats?: string): Promise<SandboxView[]> {
    return this.admin.list(stats !== '0' && stats !== 'false');
  }

  @Get('sandboxes/:user')
  @ApiOkResponse({ type: SandboxDetailDto })
  inspect(@Param('user') user: string): Promise<SandboxDetail> {
    return this.admin.inspect(user);
  }

  @Get('sandboxes/:user/logs')
  @ApiOkResponse({ type: SandboxLogsDto })
  @ApiQuery({ name: 'tail', required: false, type: 'integer', description: 'Lines from the end (default 100, at most 10000).' })
  logs(@Param('user') user: string, @Query('tail', new ParseIntPipe({ optional: true })) tail?: number): Promise<SandboxLogs> {
    return this.admin.logs(user, tail);
  }

  /** A busy sandbox (a statement running) is a 409 unless ?force=true: the statement would be cut. */
  @Post('sandboxes/:user/reset')
  @HttpCode(200)
  @ApiOkResponse({ type: SandboxViewDto })
  @FORCE
  reset(@Param('user') user: string, @Query('force') force?: string): Promise<SandboxView> {
    return this.admin.reset(user, isSet(force));
  }

  @Delete('sandboxes/:user')
  @ApiOkResponse({ type: RemoveResultDto })
  @FORCE
  remove(@Param('user') user: string, @Query('force') force?: string): Promise<RemoveResult> {
    return this.admin.remove(user, isSet(force));
  }

  @Post('reap')
  @HttpCode(200)
  @ApiOkResponse({ type: ReapResultDto })
  reap(@Body() body: ReapRequestDto): Promise<ReapResult> {
    return this.admin.reap(body.dryRun === true, body.idle);
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

  /** With `hibernate`, every idle sandbox is then saved and stopped too (before maintenance); busy ones are left. */
  @Post('drain')
  @HttpCode(200)
  @ApiOkResponse({ type: DrainResultDto })
  async drain(@Body() body: DrainRequestDto): Promise<DrainResult> {
    this.fleet.setDraining(true);
    if (!body.hibernate) return this.fleet.poolStatus;
    const hibernated = await this.fleet.hibernateAll('drain');
    return { ...this.fleet.poolStatus, hibernated };
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
}
