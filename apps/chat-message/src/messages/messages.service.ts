import { Inject, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import type { ChatMessage } from '../common/types';
import type { ReadConsistency } from '../common/session';
import { ConversationsService } from '../conversations/conversations.service';
import { tableOf } from '../database/database';
import { MESSAGE_COLUMNS, rowToMessage } from '../fanout/feed.service';
import { IdService } from '../infra/id.service';
import { RaftClient } from '../infra/raft-client.service';
import { ChatMetrics } from '../metrics/chat-metrics';
import { SendLimits } from './send-limits';
import type { HistoryQuery, SendMessageDto, SentMessage } from './messages.dto';

export interface HistoryPage {
  readonly messages: ChatMessage[];
  readonly lastSeq: number;
  /** Where the page came from: the raft leader (strong), a raft replica (eventual) or the projection (session). */
  readonly source: 'leader' | 'replica' | 'projection';
  readonly revision: number;
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly ds: DataSource,
    private readonly conversations: ConversationsService,
    private readonly raft: RaftClient,
    private readonly ids: IdService,
    private readonly limits: SendLimits,
    private readonly metrics: ChatMetrics,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  /**
   * Sends a message: ordered and numbered by the raft log, acknowledged after commit
   * (linearizable). Idempotent by (sender, clientMsgId).
   */
  async send(userId: string, conversationId: string, dto: SendMessageDto): Promise<SentMessage> {
    const started = performance.now();
    if (Buffer.byteLength(dto.body, 'utf8') > this.env.MAX_BODY_BYTES) {
      this.metrics.sends.inc({ outcome: 'too_large' });
      throw new PayloadTooLargeException(`body is larger than ${this.env.MAX_BODY_BYTES} bytes`);
    }
    await this.conversations.membership(userId, conversationId);
    await this.limits.check(userId, conversationId);
    const msgId = await this.ids.next();
    try {
      const r = await this.raft.append(conversationId, { sender: userId, clientMsgId: dto.clientMsgId, msgId, body: dto.body });
      // A retry carries a fresh msgId; getting the original one back means it was a duplicate
      // (raft-node's session cache may replay the first answer, duplicate: false included).
      const duplicate = r.duplicate || r.msgId !== msgId;
      this.metrics.sends.inc({ outcome: duplicate ? 'duplicate' : 'ok' });
      this.metrics.sendSeconds.observe((performance.now() - started) / 1000);
      return { conversationId, seq: r.seq, msgId: r.msgId, clientMsgId: dto.clientMsgId, ts: r.ts, revision: r.revision, duplicate };
    } catch (e) {
      this.metrics.sends.inc({ outcome: 'error' });
      throw e;
    }
  }

  /** History of one conversation at the requested consistency (the caller sees seq > joined_seq). */
  async history(userId: string, conversationId: string, q: HistoryQuery, consistency: ReadConsistency, projected: number): Promise<HistoryPage> {
    const m = await this.conversations.membership(userId, conversationId);
    const limit = q.limit ?? 50;
    if (consistency !== 'session' && q.beforeSeq === undefined) {
      // Read splitting: strong reads go to the leader (linearizable), eventual reads to a follower replica.
      const after = Math.max(q.afterSeq ?? 0, m.joinedSeq);
      const page = await this.raft.readStream(conversationId, after, limit, consistency === 'strong' ? 'linearizable' : 'serializable');
      return {
        messages: page.messages.map((s) => ({
          conversationId,
          seq: s.seq,
          msgId: s.msgId,
          sender: s.sender,
          clientMsgId: s.clientMsgId,
          body: s.body,
          ts: s.ts,
          revision: page.revision,
          mode: 'read' as const,
        })),
        lastSeq: page.lastSeq,
        source: consistency === 'strong' ? 'leader' : 'replica',
        revision: page.revision,
      };
    }
    const t = tableOf(this.ds, 'messages');
    let rows: Parameters<typeof rowToMessage>[0][];
    if (q.beforeSeq !== undefined) {
      rows = (await this.ds.query(
        `SELECT ${MESSAGE_COLUMNS} FROM ${t} m WHERE m.conversation_id = $1 AND m.seq > $2 AND m.seq < $3 ORDER BY m.seq DESC LIMIT $4`,
        [conversationId, m.joinedSeq, q.beforeSeq, limit],
      )) as Parameters<typeof rowToMessage>[0][];
      rows.reverse();
    } else {
      rows = (await this.ds.query(`SELECT ${MESSAGE_COLUMNS} FROM ${t} m WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3`, [
        conversationId,
        Math.max(q.afterSeq ?? 0, m.joinedSeq),
        limit,
      ])) as Parameters<typeof rowToMessage>[0][];
    }
    const lastSeq = (await this.conversations.membership(userId, conversationId)).lastSeq;
    return { messages: rows.map((r) => rowToMessage(r)), lastSeq, source: 'projection', revision: projected };
  }
}
