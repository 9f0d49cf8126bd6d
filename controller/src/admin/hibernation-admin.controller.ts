import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse } from '@nestjs/swagger';
import type { CheckpointList, HibernateResult, HibernatedView, SandboxDetail, StorageReport } from '@pgsbx/contract';
import { Admin } from '../auth/roles';
import { CheckpointListDto } from '../sandbox/checkpoint.dto';
import { SandboxDetailDto } from './admin-views.dto';
import { HibernateResultDto, HibernatedViewDto, StorageReportDto } from './hibernation-admin.dto';
import { HibernationAdminService } from './hibernation-admin.service';

/** The operators' side of saved databases (issue 11), spoken by sandboxctl hibernate, wake, checkpoints, ls --all, storage. */
@Controller('api/admin')
@Admin()
@ApiBearerAuth()
export class HibernationAdminController {
  constructor(private readonly saved: HibernationAdminService) {}

  /** Saves the user's database and removes the container; a busy sandbox is left alone (reason `busy`). */
  @Post('sandboxes/:user/hibernate')
  @HttpCode(200)
  @ApiOkResponse({ type: HibernateResultDto })
  hibernate(@Param('user') user: string): Promise<HibernateResult> {
    return this.saved.hibernate(user);
  }

  /** Restores a hibernated user's database now; `status.restored` says what came back and how long it took. */
  @Post('sandboxes/:user/wake')
  @HttpCode(200)
  @ApiOkResponse({ type: SandboxDetailDto })
  wake(@Param('user') user: string): Promise<SandboxDetail> {
    return this.saved.wake(user);
  }

  @Get('sandboxes/:user/checkpoints')
  @ApiOkResponse({ type: CheckpointListDto })
  checkpoints(@Param('user') user: string): Promise<CheckpointList> {
    return this.saved.checkpoints(user);
  }

  @Get('hibernated')
  @ApiOkResponse({ type: [HibernatedViewDto] })
  hibernated(): Promise<HibernatedView[]> {
    return this.saved.hibernated();
  }

  @Get('storage')
  @ApiOkResponse({ type: StorageReportDto })
  storage(): Promise<StorageReport> {
    return this.saved.storage();
  }
}
