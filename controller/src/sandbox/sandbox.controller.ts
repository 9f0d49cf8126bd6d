import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { CancelResult, SandboxResult } from '@pgsbx/contract';
import { CurrentUser } from '../auth/current-user.decorator';
import { AuthUser, Premium } from '../auth/roles';
import { MetricsService } from '../common/metrics.service';
import { ExecRequestDto, SessionRequestDto } from './exec-request.dto';
import { EXEC_RESPONSE_SCHEMA } from './sandbox-result.dto';
import { CancelResultDto, SandboxStatusDto } from './sandbox-status.dto';
import { ResetRequestDto } from './checkpoint.dto';
import { writeJson } from './result-writer';
import { ExecOutcome, SandboxService, SandboxStatus } from './sandbox.service';

@Controller('api/sandbox')
@Premium()
@ApiBearerAuth()
export class SandboxController {
  constructor(
    private readonly sandboxes: SandboxService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Answers `SandboxResult[]`, written in chunks by writeJson rather than Nest's res.json: one
   * JSON.stringify of a big result would hold every other user's request. Errors thrown before
   * the first byte still go through the exception filter.
   */
  @Post('exec')
  @HttpCode(200)
  @ApiOkResponse({ description: 'One result per statement, in order; a failed statement ends the run.', schema: EXEC_RESPONSE_SCHEMA })
  async exec(@CurrentUser() user: AuthUser, @Body() body: ExecRequestDto, @Res() res: Response): Promise<void> {
    const stop = this.metrics.execSeconds.startTimer();
    let outcome: ExecOutcome;
    try {
      outcome = await this.sandboxes.exec(user.userId, body.sql, body.session);
    } finally {
      stop();
    }
    if (outcome.replaced) res.setHeader('X-Sandbox-Replaced', outcome.replaced);
    if (outcome.restored)
      res.setHeader('X-Sandbox-Restored', `${Math.round(outcome.restored.ms)}ms; saved=${outcome.restored.savedAt.toISOString()}`);
    res.status(200).setHeader('Content-Type', 'application/json; charset=utf-8');
    await writeJson(res, outcome.results satisfies SandboxResult[]);
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOkResponse({ type: SandboxStatusDto })
  reset(@CurrentUser() user: AuthUser, @Body() body: ResetRequestDto): Promise<SandboxStatus> {
    return this.sandboxes.reset(user.userId, body.checkpoint);
  }

  @Get()
  @ApiOkResponse({ type: SandboxStatusDto })
  status(@CurrentUser() user: AuthUser): Promise<SandboxStatus> {
    return this.sandboxes.status(user.userId);
  }

  @Post('cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: CancelResultDto })
  cancel(@CurrentUser() user: AuthUser, @Body() body: SessionRequestDto): Promise<CancelResult> {
    return this.sandboxes.cancel(user.userId, body.session);
  }
}
