import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse } from '@nestjs/swagger';
import type { SandboxActivity } from '@pgsbx/contract';
import { CurrentUser } from '../auth/current-user.decorator';
import { AuthUser, Premium } from '../auth/roles';
import { SandboxActivityDto } from './session-activity.dto';
import { SessionActivityService } from './session-activity.service';

/** GET /api/sandbox/activity: read-only, polled by the notebook while a statement runs long. */
@Controller('api/sandbox')
@Premium()
@ApiBearerAuth()
export class SessionActivityController {
  constructor(private readonly activity: SessionActivityService) {}

  @Get('activity')
  @ApiOkResponse({
    type: SandboxActivityDto,
    description: "Each open session's state, transaction and the sessions holding the locks it waits for.",
  })
  get(@CurrentUser() user: AuthUser): Promise<SandboxActivity> {
    return this.activity.activity(user.userId);
  }
}
