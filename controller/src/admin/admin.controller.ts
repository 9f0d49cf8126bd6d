import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { Admin } from '../auth/roles';
import { FleetService } from '../fleet/fleet.service';
import { PoolSizeDto, ReapRequestDto } from './admin.dto';
import { AdminService } from './admin.service';
import { SandboxView } from './sandbox-view';

const isSet = (flag?: string) => flag === 'true' || flag === '1';

/** The operators' API, spoken by sandboxctl. */
@Controller('api/admin')
@Admin()
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly fleet: FleetService,
  ) {}

  @Get('sandboxes')
  list(@Query('stats') stats?: string): Promise<SandboxView[]> {
    return this.admin.list(stats !== '0' && stats !== 'false');
  }

  @Get('sandboxes/:user')
  inspect(@Param('user') user: string) {
    return this.admin.inspect(user);
  }

  @Get('sandboxes/:user/logs')
  logs(@Param('user') user: string, @Query('tail', new ParseIntPipe({ optional: true })) tail?: number): Promise<{ logs: string }> {
    return this.admin.logs(user, tail);
  }

  /** A busy sandbox (a statement running) is a 409 unless ?force=true: the statement would be cut. */
  @Post('sandboxes/:user/reset')
  @HttpCode(200)
  reset(@Param('user') user: string, @Query('force') force?: string): Promise<SandboxView> {
    return this.admin.reset(user, isSet(force));
  }

  @Delete('sandboxes/:user')
  remove(@Param('user') user: string, @Query('force') force?: string): Promise<{ removed: boolean }> {
    return this.admin.remove(user, isSet(force));
  }

  @Post('reap')
  @HttpCode(200)
  reap(@Body() body: ReapRequestDto) {
    return this.admin.reap(body.dryRun === true, body.idle);
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
}
