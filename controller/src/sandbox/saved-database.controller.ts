import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { BadRequestException } from '@nestjs/common';
import type { Checkpoint, CheckpointList, SandboxStatus } from '@pgsbx/contract';
import { CurrentUser } from '../auth/current-user.decorator';
import { AuthUser, Premium } from '../auth/roles';
import { CHECKPOINT_NAME, CheckpointDeletedDto, CheckpointDto, CheckpointListDto, CheckpointRequestDto } from './checkpoint.dto';
import { SandboxStatusDto } from './sandbox-status.dto';
import { SandboxService } from './sandbox.service';

/** A user's saved databases (issue 11): wake from hibernation, and named checkpoints. */
@Controller('api/sandbox')
@Premium()
@ApiBearerAuth()
export class SavedDatabaseController {
  constructor(private readonly sandboxes: SandboxService) {}

  /** Restores a hibernated database now (a no-op with the status when there is a sandbox already). */
  @Post('wake')
  @HttpCode(200)
  @ApiOkResponse({ type: SandboxStatusDto })
  wake(@CurrentUser() user: AuthUser): Promise<SandboxStatus> {
    return this.sandboxes.wake(user.userId);
  }

  @Get('checkpoints')
  @ApiOkResponse({ type: CheckpointListDto })
  list(@CurrentUser() user: AuthUser): Promise<CheckpointList> {
    return this.sandboxes.checkpoints(user.userId);
  }

  @Post('checkpoints')
  @HttpCode(201)
  @ApiCreatedResponse({ type: CheckpointDto })
  save(@CurrentUser() user: AuthUser, @Body() body: CheckpointRequestDto): Promise<Checkpoint> {
    return this.sandboxes.saveCheckpoint(user.userId, body.name);
  }

  @Delete('checkpoints/:name')
  @HttpCode(200)
  @ApiOkResponse({ type: CheckpointDeletedDto })
  async remove(@CurrentUser() user: AuthUser, @Param('name') name: string): Promise<CheckpointDeletedDto> {
    if (!CHECKPOINT_NAME.test(name)) throw new BadRequestException(`"${name.slice(0, 80)}" is not a checkpoint name`);
    await this.sandboxes.deleteCheckpoint(user.userId, name);
    return { deleted: name };
  }
}
