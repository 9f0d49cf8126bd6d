import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Notebook, SharedNotebook } from '@pgsbx/contract';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { AuthUser, Public, SignedIn } from '../auth/roles';
import { NotebookDto, SharedNotebookDto } from './notebook.dto';
import { SharedNotebookNotFoundError } from './notebook-errors';
import { SHARE_TOKEN, setVersionTag } from './notebook-http';
import { NotebooksService } from './notebooks.service';

/** Shared notebooks: anyone with the link reads the snapshot; a signed-in user can fork it. */
@Controller('api/shared')
export class SharedNotebooksController {
  constructor(private readonly notebooks: NotebooksService) {}

  @Get(':token')
  @Public()
  @ApiOkResponse({ type: SharedNotebookDto })
  get(@Param('token') token: string): Promise<SharedNotebook> {
    return this.notebooks.shared(shareToken(token));
  }

  @Post(':token/fork')
  @SignedIn()
  @ApiBearerAuth()
  @HttpCode(201)
  @ApiCreatedResponse({ type: NotebookDto })
  async fork(@CurrentUser() user: AuthUser, @Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<Notebook> {
    return setVersionTag(res, await this.notebooks.fork(user.userId, shareToken(token)));
  }
}

/** A malformed token is a link that shares nothing: the same 404. */
function shareToken(token: string): string {
  if (!SHARE_TOKEN.test(token)) throw new SharedNotebookNotFoundError();
  return token;
}
