import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { encodeCommand, requestKey, streamKeys, type StreamMessage } from '@raft/raft-kv';
import { ConflictResultError } from '../common/errors';
import { checkKey, checkValue } from '../kv/kv-limits';
import { RaftNodeService } from '../raft/raft-node.service';
import { AppendDto, AppendResponse, ReadStreamQuery } from './streams.dto';

/**
 * Ordered streams (used by the chat service for conversations): appends are ordered by the
 * Raft log and numbered gaplessly per stream; they also appear in GET /v1/watch under
 * `stream/{stream}/`.
 */
@ApiTags('streams')
@Controller('v1/streams')
export class StreamsController {
  constructor(private readonly node: RaftNodeService) {}

  @Post(':stream/append')
  @HttpCode(200)
  @ApiOkResponse({ type: AppendResponse })
  async append(@Param('stream') stream: string, @Body() body: AppendDto): Promise<AppendResponse> {
    checkKey(stream);
    if (stream.includes('/')) throw new ConflictResultError('stream ids must not contain "/"');
    checkValue(body.body, this.node.settings.MAX_VALUE_BYTES);
    const cmd = {
      op: 'append' as const,
      key: stream,
      sender: body.sender,
      clientMsgId: body.clientMsgId,
      msgId: body.msgId,
      body: body.body,
      clientId: `stream:${body.sender}`,
      requestId: `${stream}/${body.clientMsgId}`,
      ts: Date.now(),
    };
    const r = await this.node.propose(encodeCommand(cmd), requestKey(cmd));
    if (r.op !== 'append') throw new ConflictResultError(r.op === 'rejected' ? r.error : `unexpected result ${r.op}`);
    return { stream: r.stream, seq: r.seq, msgId: r.msgId, revision: r.revision, ts: r.ts, duplicate: r.duplicate };
  }

  @Get(':stream/messages')
  async read(@Param('stream') stream: string, @Query() q: ReadStreamQuery): Promise<{ messages: StreamMessage[]; lastSeq: number; revision: number }> {
    checkKey(stream);
    await this.node.readBarrier(q.consistency ?? 'linearizable');
    const kv = this.node.kv;
    const lastSeq = Number(kv.get(streamKeys.seq(stream))?.value ?? '0');
    const after = q.afterSeq ?? 0;
    const limit = q.limit ?? 100;
    const messages: StreamMessage[] = [];
    for (let seq = after + 1; seq <= lastSeq && messages.length < limit; seq++) {
      const m = kv.get(streamKeys.message(stream, seq));
      if (m) messages.push(JSON.parse(m.value) as StreamMessage);
    }
    return { messages, lastSeq, revision: kv.revision() };
  }
}
