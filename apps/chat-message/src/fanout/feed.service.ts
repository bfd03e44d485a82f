import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableOf } from '../database/database';
import type { FanoutMode } from '../database/entities';
import type { SyncCursor } from '../common/cursor';
import type { ChatMessage } from '../common/types';
import { InboxStore } from './inbox.store';

/** One of the user's conversations, as sync needs it. */
export interface Membership {
  readonly conversationId: string;
  readonly joinedSeq: number;
  readonly mode: FanoutMode;
  readonly switchSeq: number;
  readonly lastSeq: number;
}

export interface SyncPage {
  readonly messages: ChatMessage[];
  readonly cursor: SyncCursor;
  /** More messages are waiting: call again with the new cursor. */
  readonly hasMore: boolean;
  readonly memberships: Membership[];
}

interface MessageRow {
  conversation_id: string;
  seq: string;
  msg_id: string;
  sender: string;
  client_msg_id: string;
  body: string;
  ts: string;
  revision: string;
  via_inbox: boolean;
}

export function rowToMessage(r: MessageRow, pts?: number): ChatMessage {
  const m: ChatMessage = {
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    msgId: r.msg_id,
    sender: r.sender,
    clientMsgId: r.client_msg_id,
    body: r.body,
    ts: Number(r.ts),
    revision: Number(r.revision),
    mode: r.via_inbox ? 'write' : 'read',
  };
  // Object.assign, not `{ ...m, pts }`: a property added after a spread costs ~1 µs in Node 20.
  return pts === undefined ? m : Object.assign({}, m, { pts });
}

export const MESSAGE_COLUMNS = 'm.conversation_id, m.seq, m.msg_id, m.sender, m.client_msg_id, m.body, m.ts, m.revision, m.via_inbox';

/**
 * A user's feed: everything after a cursor, across their conversations.
 *
 * - Write-fan-out messages come from the user's inbox (one range read after `cursor.p`).
 * - Read-fan-out messages are merged at read time from each such conversation's timeline
 *   after `cursor.c[conversation]` (or after the switch point / the user's join).
 *
 * Exactness across a mode switch: a conversation switches to read fan-out only after every
 * earlier message is in every member's inbox, and its read-mode part is merged only once
 * this page has drained the inbox — so per conversation, messages come in seq order with no
 * gap and no repeat. Pages are bounded (`limit`): a restart does not let one client pull
 * everything at once.
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly ds: DataSource,
    private readonly inbox: InboxStore,
  ) {}

  async memberships(userId: string): Promise<Membership[]> {
    const rows = (await this.ds.query(
      `SELECT m.conversation_id, m.joined_seq, c.mode, c.switch_seq, c.last_seq
         FROM ${tableOf(this.ds, 'members')} m JOIN ${tableOf(this.ds, 'conversations')} c ON c.id = m.conversation_id
        WHERE m.user_id = $1 ORDER BY m.conversation_id`,
      [userId],
    )) as { conversation_id: string; joined_seq: string; mode: FanoutMode; switch_seq: string; last_seq: string }[];
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      joinedSeq: Number(r.joined_seq),
      mode: r.mode,
      switchSeq: Number(r.switch_seq),
      lastSeq: Number(r.last_seq),
    }));
  }

  async sync(userId: string, cursor: SyncCursor, limit: number): Promise<SyncPage> {
    // Memberships (and modes) first, inbox second: a conversation seen in read mode here
    // already has all its write-mode references in the inbox read below.
    const memberships = await this.memberships(userId);
    const byConv = new Map(memberships.map((m) => [m.conversationId, m]));
    const refs = await this.inbox.read(userId, cursor.p, limit + 1);
    const inboxTruncated = refs.length > limit;
    const taken = refs.slice(0, limit);
    const messages: ChatMessage[] = [];
    let p = cursor.p;
    if (taken.length > 0) {
      const rows = (await this.ds.query(
        `SELECT ${MESSAGE_COLUMNS} FROM unnest($1::varchar[], $2::bigint[]) AS r(cid, seq)
           JOIN ${tableOf(this.ds, 'messages')} m ON m.conversation_id = r.cid AND m.seq = r.seq`,
        [taken.map((r) => r.conversationId), taken.map((r) => r.seq)],
      )) as MessageRow[];
      const found = new Map(rows.map((r) => [`${r.conversation_id}:${r.seq}`, r]));
      for (const ref of taken) {
        const mem = byConv.get(ref.conversationId);
        const row = found.get(`${ref.conversationId}:${ref.seq}`);
        if (!row) throw new Error(`inbox of ${userId} references ${ref.conversationId}:${ref.seq}, which is not projected`);
        if (mem && ref.seq > mem.joinedSeq) messages.push(rowToMessage(row, ref.pts));
        p = ref.pts;
      }
    }
    const c: Record<string, number> = {};
    let hasMore = inboxTruncated;
    const readConvs = memberships.filter((m) => m.mode === 'read');
    const bases = readConvs.map((m) => Math.max(cursor.c[m.conversationId] ?? 0, m.switchSeq, m.joinedSeq));
    readConvs.forEach((m, i) => {
      if (bases[i]! > Math.max(m.switchSeq, m.joinedSeq)) c[m.conversationId] = bases[i]!;
    });
    if (!inboxTruncated && readConvs.length > 0) {
      const budget = limit - messages.length;
      if (budget <= 0) {
        hasMore = readConvs.some((m, i) => m.lastSeq > bases[i]!);
      } else {
        const rows = (await this.ds.query(
          `SELECT ${MESSAGE_COLUMNS} FROM unnest($1::varchar[], $2::bigint[]) AS r(cid, base)
             CROSS JOIN LATERAL (SELECT * FROM ${tableOf(this.ds, 'messages')} x
                                  WHERE x.conversation_id = r.cid AND x.seq > r.base ORDER BY x.seq LIMIT $3) m
            ORDER BY m.conversation_id, m.seq`,
          [readConvs.map((m) => m.conversationId), bases, budget + 1],
        )) as MessageRow[];
        if (rows.length > budget) hasMore = true;
        for (const row of rows.slice(0, budget)) {
          const msg = rowToMessage(row);
          messages.push(msg);
          c[msg.conversationId] = msg.seq;
        }
      }
    }
    return { messages, cursor: { p, c }, hasMore, memberships };
  }
}
