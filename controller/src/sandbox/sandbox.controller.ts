import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { AuthUser, Premium } from '../auth/roles';
import { MetricsService } from '../common/metrics.service';
import { ExecRequestDto, SessionRequestDto } from './exec-request.dto';
import { CancelResult, SandboxResult } from './sandbox-result';
import { SandboxService, SandboxStatus } from './sandbox.service';

@Controller('api/sandbox')
@Premium()
export class SandboxController {
  constructor(
    private readonly sandboxes: SandboxService,
    private readonly metrics: MetricsService,
  ) {}

  @Post('exec')
  @HttpCode(200)
  async exec(
    @CurrentUser() user: AuthUser,
    @Body() body: ExecRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SandboxResult[]> {
    const stop = this.metrics.execSeconds.startTimer();
    try {
      const { results, replaced } = await this.sandboxes.exec(user.userId, body.sql, body.session);
      if (replaced) res.setHeader('X-Sandbox-Replaced', replaced);
      return results;
    } finally {
      stop();
    }
  }

  @Post('reset')
  @HttpCode(200)
  reset(@CurrentUser() user: AuthUser): Promise<SandboxStatus> {
    return this.sandboxes.reset(user.userId);
  }

  @Get()
  status(@CurrentUser() user: AuthUser): SandboxStatus {
    return this.sandboxes.status(user.userId);
  }

  @Post('cancel')
  @HttpCode(200)
  cancel(@CurrentUser() user: AuthUser, @Body() body: SessionRequestDto): Promise<CancelResult> {
    return this.sandboxes.cancel(user.userId, body.session);
  }
}
