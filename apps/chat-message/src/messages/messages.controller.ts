import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthGuard, CurrentUser } from '../auth/auth.guard';
import type { AuthUser } from '../auth/auth.service';
import { answerSession, awaitSession, sessionOf } from '../common/session';
import { ProjectionStatus } from '../projection/projection-status.service';
import { HistoryQuery, SendMessageDto, SentMessage } from './messages.dto';
import { MessagesService, type HistoryPage } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Session-Token', required: false, description: 'session token from a previous response (read-your-writes)' })
@UseGuards(AuthGuard)
@Controller('v1/conversations/:id/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly status: ProjectionStatus,
  ) {}

  @Post()
  @ApiResponse({ status: 201, type: SentMessage, description: 'committed' })
  @ApiResponse({ status: 200, type: SentMessage, description: 'a retry of a committed send (duplicate: true)' })
  @ApiResponse({ status: 403, description: 'not a member' })
  @ApiResponse({ status: 413, description: 'body too large' })
  @ApiResponse({ status: 429, description: 'rate limited (Retry-After)' })
  @ApiResponse({ status: 503, description: 'no raft leader before the deadline' })
  @ApiResponse({ status: 504, description: 'outcome unknown: retry with the same clientMsgId' })
  async send(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: SendMessageDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SentMessage> {
    const session = sessionOf(req);
    const sent = await this.messages.send(user.userId, id, dto);
    res.status(sent.duplicate ? 200 : 201);
    answerSession(res, session, sent.revision);
    return sent;
  }

  @Get()
  @ApiOkResponse({ description: 'history page: {messages, lastSeq, source, revision}' })
  @ApiResponse({ status: 503, description: 'session consistency: the projection did not reach the session revision in time' })
  async history(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query() q: HistoryQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HistoryPage> {
    const consistency = q.consistency ?? 'session';
    const session = await awaitSession(req, this.status, consistency);
    const page = await this.messages.history(user.userId, id, q, consistency, this.status.revision);
    answerSession(res, session, consistency === 'eventual' ? 0 : page.revision);
    return page;
  }
}
