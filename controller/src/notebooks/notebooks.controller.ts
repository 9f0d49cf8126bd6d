import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse } from '@nestjs/swagger';
import type { Notebook, NotebookList, NotebookSummary, ShareLink } from '@pgsbx/contract';
import type { Request, Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { AuthUser, SignedIn } from '../auth/roles';
import {
  NotebookCreateDto,
  NotebookDeletedDto,
  NotebookDto,
  NotebookDuplicateDto,
  NotebookListDto,
  NotebookSummaryDto,
  NotebookUpdateDto,
  ShareLinkDto,
  ShareRequestDto,
  ShareRevokedDto,
} from './notebook.dto';
import { notebookId, requestOrigin, setVersionTag, versionFromIfMatch } from './notebook-http';
import { NotebooksService } from './notebooks.service';

/** A signed-in user's saved notebooks (any role: saving is not a premium feature). */
@Controller('api/notebooks')
@SignedIn()
@ApiBearerAuth()
export class NotebooksController {
  constructor(private readonly notebooks: NotebooksService) {}

  @Get()
  @ApiOkResponse({ type: NotebookListDto })
  list(@CurrentUser() user: AuthUser): Promise<NotebookList> {
    return this.notebooks.list(user.userId);
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: NotebookDto })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: NotebookCreateDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Notebook> {
    return setVersionTag(res, await this.notebooks.create(user.userId, body.name, body.content ?? ''));
  }

  @Get(':id')
  @ApiOkResponse({ type: NotebookDto, description: 'ETag: the version.' })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<Notebook> {
    return setVersionTag(res, await this.notebooks.get(user.userId, notebookId(id)));
  }

  @Put(':id')
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The version you edited (the ETag a GET gave); 409 when it is no longer current.',
  })
  @ApiOkResponse({ type: NotebookSummaryDto })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: NotebookUpdateDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<NotebookSummary> {
    const checkedId = notebookId(id);
    const version = versionFromIfMatch(ifMatch);
    const change = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.content !== undefined ? { content: body.content } : {}),
    };
    return setVersionTag(res, await this.notebooks.update(user.userId, checkedId, version, change));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ type: NotebookDeletedDto })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<NotebookDeletedDto> {
    await this.notebooks.delete(user.userId, notebookId(id));
    return { deleted: id };
  }

  @Post(':id/duplicate')
  @HttpCode(201)
  @ApiCreatedResponse({ type: NotebookDto })
  async duplicate(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: NotebookDuplicateDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Notebook> {
    return setVersionTag(res, await this.notebooks.duplicate(user.userId, notebookId(id), body.name));
  }

  /** Takes the snapshot (content now, plus the results sent); sharing again retakes it under the same link. */
  @Post(':id/share')
  @HttpCode(200)
  @ApiOkResponse({ type: ShareLinkDto })
  share(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: ShareRequestDto, @Req() req: Request): Promise<ShareLink> {
    return this.notebooks.share(user.userId, notebookId(id), body.results, requestOrigin(req));
  }

  @Delete(':id/share')
  @HttpCode(200)
  @ApiOkResponse({ type: ShareRevokedDto })
  async unshare(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ShareRevokedDto> {
    return { revoked: await this.notebooks.unshare(user.userId, notebookId(id)) };
  }
}
