import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { tableOf } from '../database/database';
import type { FanoutMode } from '../database/entities';
import { EventBus } from '../infra/event-bus';
import { IdService } from '../infra/id.service';
import type { ConversationView, CreateConversationDto } from './conversations.dto';

interface ConvRow {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  mode: FanoutMode;
  switch_seq: string;
  last_seq: string;
  member_count: number;
  joined_seq: string | null;
  read_seq: string | null;
}

export interface MemberInfo {
  readonly conversationId: string;
  readonly kind: 'direct' | 'group';
  readonly joinedSeq: number;
  readonly lastSeq: number;
}

/** Conversations, membership and read cursors (PostgreSQL). */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly ids: IdService,
    private readonly bus: EventBus,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  private t(name: string): string {
    return tableOf(this.ds, name);
  }

  private view(r: ConvRow): ConversationView {
    const lastSeq = Number(r.last_seq);
    const joinedSeq = Number(r.joined_seq ?? 0);
    const readSeq = Math.max(Number(r.read_seq ?? 0), joinedSeq);
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      mode: r.mode,
      switchSeq: Number(r.switch_seq),
      lastSeq,
      memberCount: r.member_count,
      joinedSeq,
      readSeq,
      unread: Math.max(0, lastSeq - readSeq),
    };
  }

  private selectFor(where: string): string {
    return `SELECT c.id, c.kind, c.title, c.mode, c.switch_seq, c.last_seq, c.member_count, m.joined_seq, rc.seq AS read_seq
              FROM ${this.t('conversations')} c
              JOIN ${this.t('members')} m ON m.conversation_id = c.id AND m.user_id = $1
              LEFT JOIN ${this.t('read_cursors')} rc ON rc.conversation_id = c.id AND rc.user_id = $1
             WHERE ${where}`;
  }

  /** Creates a conversation (a direct one is returned if it exists: `created` false). */
  async create(userId: string, dto: CreateConversationDto): Promise<{ conversation: ConversationView; created: boolean }> {
    const others = [...new Set(dto.members.filter((m) => m !== userId))];
    let directKey: string | null = null;
    if (dto.kind === 'direct') {
      if (others.length !== 1) throw new ConflictException('a direct conversation has exactly one other member');
      directKey = [userId, others[0]!].sort().join('|');
      const existing = (await this.ds.query(`SELECT id FROM ${this.t('conversations')} WHERE direct_key = $1`, [directKey])) as { id: string }[];
      if (existing[0]) return { conversation: await this.get(userId, existing[0].id), created: false };
    }
    const members = [userId, ...others];
    const id = await this.ids.next();
    const mode: FanoutMode = members.length > this.env.FANOUT_THRESHOLD ? 'read' : 'write';
    try {
      await this.ds.transaction(async (em) => {
        await em.query(
          `INSERT INTO ${this.t('conversations')} (id, kind, title, direct_key, created_by, mode, member_count) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [id, dto.kind, dto.title ?? null, directKey, userId, mode, members.length],
        );
        await em.query(`INSERT INTO ${this.t('members')} (conversation_id, user_id, joined_seq) SELECT $1::varchar, u, 0 FROM unnest($2::varchar[]) AS u`, [id, members]);
      });
    } catch (e) {
      // Two users opening the same direct conversation at once: the unique index decides.
      if (directKey && (e as { code?: string }).code === '23505') {
        const existing = (await this.ds.query(`SELECT id FROM ${this.t('conversations')} WHERE direct_key = $1`, [directKey])) as { id: string }[];
        if (existing[0]) return { conversation: await this.get(userId, existing[0].id), created: false };
      }
      throw e;
    }
    await Promise.all(members.map((u) => this.bus.publish({ t: 'mem', conversationId: id, userId: u, action: 'join' })));
    return { conversation: await this.get(userId, id), created: true };
  }

  async list(userId: string): Promise<ConversationView[]> {
    const rows = (await this.ds.query(`${this.selectFor('true')} ORDER BY c.id`, [userId])) as ConvRow[];
    return rows.map((r) => this.view(r));
  }

  /** @throws NotFoundException (unknown), ForbiddenException (not a member). */
  async get(userId: string, id: string): Promise<ConversationView> {
    const rows = (await this.ds.query(this.selectFor('c.id = $2'), [userId, id])) as ConvRow[];
    if (rows[0]) return this.view(rows[0]);
    await this.assertExists(id);
    throw new ForbiddenException('not a member of this conversation');
  }

  private async assertExists(id: string, em: EntityManager | DataSource = this.ds): Promise<{ kind: 'direct' | 'group'; last_seq: string; member_count: number }> {
    const rows = (await em.query(`SELECT kind, last_seq, member_count FROM ${this.t('conversations')} WHERE id = $1`, [id])) as {
      kind: 'direct' | 'group';
      last_seq: string;
      member_count: number;
    }[];
    if (!rows[0]) throw new NotFoundException('unknown conversation');
    return rows[0];
  }

  /** The caller's membership; 404 for an unknown conversation, 403 for a non-member. */
  async membership(userId: string, id: string): Promise<MemberInfo> {
    const rows = (await this.ds.query(
      `SELECT c.kind, c.last_seq, m.joined_seq FROM ${this.t('conversations')} c
         LEFT JOIN ${this.t('members')} m ON m.conversation_id = c.id AND m.user_id = $2 WHERE c.id = $1`,
      [id, userId],
    )) as { kind: 'direct' | 'group'; last_seq: string; joined_seq: string | null }[];
    const r = rows[0];
    if (!r) throw new NotFoundException('unknown conversation');
    if (r.joined_seq === null) throw new ForbiddenException('not a member of this conversation');
    return { conversationId: id, kind: r.kind, joinedSeq: Number(r.joined_seq), lastSeq: Number(r.last_seq) };
  }

  /** Adds users to a group (the caller must be a member). Returns how many were new. */
  async addMembers(userId: string, id: string, userIds: string[]): Promise<number> {
    const m = await this.membership(userId, id);
    if (m.kind === 'direct') throw new ConflictException('direct conversations have fixed membership');
    return this.insertMembers(id, [...new Set(userIds)]);
  }

  /** The caller joins a group (idempotent). */
  async join(userId: string, id: string): Promise<ConversationView> {
    const c = await this.assertExists(id);
    if (c.kind === 'direct') throw new ConflictException('direct conversations have fixed membership');
    await this.insertMembers(id, [userId]);
    return this.get(userId, id);
  }

  private async insertMembers(id: string, userIds: string[]): Promise<number> {
    const added = await this.ds.transaction(async (em) => {
      // Locks the conversation row: the projection takes the same lock per message, so
      // joined_seq (= last projected seq) cleanly splits what the new member sees.
      const rows = (await em.query(`SELECT last_seq FROM ${this.t('conversations')} WHERE id = $1 FOR UPDATE`, [id])) as { last_seq: string }[];
      if (!rows[0]) throw new NotFoundException('unknown conversation');
      const inserted = (await em.query(
        `INSERT INTO ${this.t('members')} (conversation_id, user_id, joined_seq) SELECT $1::varchar, u, $3::bigint FROM unnest($2::varchar[]) AS u
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [id, userIds, rows[0].last_seq],
      )) as { user_id: string }[];
      if (inserted.length > 0) await em.query(`UPDATE ${this.t('conversations')} SET member_count = member_count + $2 WHERE id = $1`, [id, inserted.length]);
      return inserted.map((r) => r.user_id);
    });
    await Promise.all(added.map((u) => this.bus.publish({ t: 'mem', conversationId: id, userId: u, action: 'join' })));
    return added.length;
  }

  /** The caller leaves a group; 403 if not a member. */
  async leave(userId: string, id: string): Promise<void> {
    const m = await this.membership(userId, id);
    if (m.kind === 'direct') throw new ConflictException('direct conversations have fixed membership');
    await this.ds.transaction(async (em) => {
      await em.query(`SELECT 1 FROM ${this.t('conversations')} WHERE id = $1 FOR UPDATE`, [id]);
      const deleted = (await em.query(`DELETE FROM ${this.t('members')} WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id`, [id, userId])) as unknown[];
      if (deleted.length > 0) {
        await em.query(`UPDATE ${this.t('conversations')} SET member_count = member_count - 1 WHERE id = $1`, [id]);
        await em.query(`DELETE FROM ${this.t('read_cursors')} WHERE conversation_id = $1 AND user_id = $2`, [id, userId]);
      }
    });
    await this.bus.publish({ t: 'mem', conversationId: id, userId, action: 'leave' });
  }

  async members(userId: string, id: string, after: string, limit: number): Promise<string[]> {
    await this.membership(userId, id);
    const rows = (await this.ds.query(`SELECT user_id FROM ${this.t('members')} WHERE conversation_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3`, [
      id,
      after,
      limit,
    ])) as { user_id: string }[];
    return rows.map((r) => r.user_id);
  }

  /** Read receipt: advances the caller's read cursor (never backwards) and tells the other members. */
  async markRead(userId: string, id: string, seq: number): Promise<ConversationView> {
    const m = await this.membership(userId, id);
    const upTo = Math.min(seq, m.lastSeq);
    await this.ds.query(
      `INSERT INTO ${this.t('read_cursors')} (conversation_id, user_id, seq, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET seq = GREATEST(${this.t('read_cursors')}.seq, EXCLUDED.seq), updated_at = now()`,
      [id, userId, upTo],
    );
    const view = await this.get(userId, id);
    await this.bus.publish({ t: 'r', conversationId: id, userId, seq: view.readSeq });
    return view;
  }
}
