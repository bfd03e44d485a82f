import { Body, Controller, DefaultValuePipe, Get, HttpCode, Param, ParseIntPipe, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthGuard, CurrentUser } from '../auth/auth.guard';
import type { AuthUser } from '../auth/auth.service';
import { answerSession, sessionOf } from '../common/session';
import { ProjectionStatus } from '../projection/projection-status.service';
import { AddMembersDto, ConversationView, CreateConversationDto, ReadReceiptDto } from './conversations.dto';
import { ConversationsService } from './conversations.service';

@ApiTags('conversations')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('v1/conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly status: ProjectionStatus,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: ConversationView, description: '201 created; 200 when the direct conversation already existed' })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateConversationDto, @Res({ passthrough: true }) res: Response): Promise<ConversationView> {
    const { conversation, created } = await this.conversations.create(user.userId, dto);
    res.status(created ? 201 : 200);
    return conversation;
  }

  @Get()
  @ApiOkResponse({ type: [ConversationView], description: 'the caller’s conversations with unread counts' })
  async list(@CurrentUser() user: AuthUser, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ conversations: ConversationView[] }> {
    const session = sessionOf(req);
    const conversations = await this.conversations.list(user.userId);
    answerSession(res, session, this.status.revision);
    return { conversations };
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationView })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ConversationView> {
    return this.conversations.get(user.userId, id);
  }

  @Get(':id/members')
  async members(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query('after', new DefaultValuePipe('')) after: string,
    @Query('limit', new DefaultValuePipe(1000), ParseIntPipe) limit: number,
  ): Promise<{ members: string[] }> {
    return { members: await this.conversations.members(user.userId, id, after, Math.min(Math.max(1, limit), 1000)) };
  }

  @Post(':id/members')
  @HttpCode(200)
  async addMembers(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: AddMembersDto): Promise<{ added: number }> {
    return { added: await this.conversations.addMembers(user.userId, id, dto.userIds) };
  }

  @Post(':id/join')
  @HttpCode(200)
  @ApiOkResponse({ type: ConversationView })
  join(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ConversationView> {
    return this.conversations.join(user.userId, id);
  }

  @Post(':id/leave')
  @HttpCode(204)
  leave(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.conversations.leave(user.userId, id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: ConversationView, description: 'read receipt: advances the read cursor and returns the unread count' })
  read(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ReadReceiptDto): Promise<ConversationView> {
    return this.conversations.markRead(user.userId, id, dto.seq);
  }
}
