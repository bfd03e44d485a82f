import { BadRequestException, Controller, Get, Headers, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthGuard, CurrentUser } from '../auth/auth.guard';
import type { AuthUser } from '../auth/auth.service';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { decodeCursor, encodeCursor, InvalidCursorError, type SyncCursor } from '../common/cursor';
import { answerSession, awaitSession } from '../common/session';
import type { BusEvent, ChatMessage } from '../common/types';
import { FeedService, type SyncPage } from '../fanout/feed.service';
import { ChatMetrics } from '../metrics/chat-metrics';
import { ProjectionStatus } from '../projection/projection-status.service';
import { ConnectionRegistry } from './connection-registry';
import type { OutboundFrame } from './outbound-frame';
import { LocalHub, type HubListener } from './local-hub';
import { SessionFactory } from './session-factory';

function parseCursor(text: string | undefined): SyncCursor {
  try {
    return decodeCursor(text);
  } catch (e) {
    if (e instanceof InvalidCursorError) throw new BadRequestException(e.message);
    throw e;
  }
}

export interface SyncResponse {
  messages: ChatMessage[];
  cursor: string;
  hasMore: boolean;
  revision: number;
}

@ApiTags('delivery')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('v1')
export class DeliveryController {
  constructor(
    private readonly feed: FeedService,
    private readonly hub: LocalHub,
    private readonly status: ProjectionStatus,
    private readonly sessions: SessionFactory,
    private readonly connections: ConnectionRegistry,
    private readonly metrics: ChatMetrics,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  /**
   * Pull: everything after `cursor` across the caller's conversations (bounded page). With
   * `timeout` (ms), waits for something new when there is nothing yet (long-poll).
   */
  @Get('sync')
  @ApiQuery({ name: 'cursor', required: false, description: 'opaque cursor from the previous response; absent = from the beginning' })
  @ApiQuery({ name: 'timeout', required: false, description: 'long-poll wait in ms (≤ LONG_POLL_MAX_MS)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'consistency', required: false, enum: ['session', 'eventual'] })
  @ApiOkResponse({ description: '{messages, cursor, hasMore, revision}' })
  @ApiResponse({ status: 503, description: 'the projection did not reach the session revision in time' })
  async sync(
    @CurrentUser() user: AuthUser,
    @Query('cursor') cursorText: string | undefined,
    @Query('timeout') timeoutText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('consistency') consistencyText: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncResponse> {
    const cursor = parseCursor(cursorText);
    const timeout = timeoutText === undefined ? 0 : Number(timeoutText);
    if (!Number.isInteger(timeout) || timeout < 0) throw new BadRequestException('timeout must be a non-negative integer (ms)');
    const limit = limitText === undefined ? this.env.SYNC_PAGE_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > this.env.SYNC_PAGE_LIMIT) throw new BadRequestException(`limit must be an integer in [1, ${this.env.SYNC_PAGE_LIMIT}]`);
    if (consistencyText !== undefined && consistencyText !== 'session' && consistencyText !== 'eventual') throw new BadRequestException('consistency must be session or eventual');
    const consistency = consistencyText ?? 'session';
    const session = await awaitSession(req, this.status, consistency);
    const deadline = Date.now() + Math.min(timeout, this.env.LONG_POLL_MAX_MS);
    // Listen before the first read so that nothing arriving in between is missed.
    let dirty = false;
    let wake: (() => void) | null = null;
    const listener: HubListener = {
      onEvent: (e: BusEvent) => {
        if (e.t === 'r') return;
        dirty = true;
        wake?.();
      },
    };
    const subs = [this.hub.subscribeUser(user.userId, listener)];
    let page: SyncPage;
    try {
      const memberships = await this.feed.memberships(user.userId);
      for (const m of memberships) subs.push(this.hub.subscribeConversation(m.conversationId, listener));
      this.metrics.syncs.inc({ reason: 'pull' });
      page = await this.feed.sync(user.userId, cursor, limit);
      while (page.messages.length === 0 && !page.hasMore && Date.now() < deadline) {
        if (!dirty) {
          const closed = new Promise<void>((r) => req.once('close', () => r()));
          await Promise.race([new Promise<void>((r) => ((wake = r), setTimeout(r, deadline - Date.now()))), closed]);
          wake = null;
          if (req.destroyed) break;
        }
        if (!dirty) break;
        dirty = false;
        page = await this.feed.sync(user.userId, page.cursor, limit);
      }
    } finally {
      for (const off of subs) off();
    }
    answerSession(res, session, this.status.revision);
    return { messages: page.messages, cursor: encodeCursor(page.cursor), hasMore: page.hasMore, revision: this.status.revision };
  }

  /**
   * Push over Server-Sent Events: like the WebSocket (sync frames from the cursor, `ready`,
   * then live frames). Each frame's `id` is the cursor, so EventSource's automatic
   * reconnection resumes exactly (Last-Event-ID).
   */
  @Get('events')
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'access_token', required: false, description: 'token (EventSource cannot set headers)' })
  events(
    @CurrentUser() user: AuthUser,
    @Query('cursor') cursorText: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    const cursor = parseCursor(lastEventId || cursorText);
    const slot = this.connections.acquire(user.userId, 'sse');
    if (!slot.ok) {
      res.setHeader('Retry-After', '5');
      res.status(503).json({ error: slot.reason });
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${1000 + Math.floor(Math.random() * 2000)}\n\n`);
    const limit = this.env.CLIENT_MAX_BUFFERED_BYTES;
    const session = this.sessions.create(user.userId, cursor, {
      kind: 'sse',
      send: (frame: OutboundFrame) => {
        if (res.writableLength > limit) return false;
        res.write(frame.serverSentEvent());
        return true;
      },
      close: (reason) => {
        res.write(`event: error\ndata: ${JSON.stringify({ error: reason })}\n\n`);
        res.end();
      },
    });
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepalive);
      session.stop();
      slot.release();
    });
    session.start();
  }
}
