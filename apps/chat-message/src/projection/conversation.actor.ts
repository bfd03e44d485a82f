import type { Logger } from '@nestjs/common';
import type { ActorFactory } from '@raft/raft-core';
import type { StreamMessage } from '@raft/raft-kv';
import type { DataSource } from 'typeorm';
import { tableOf } from '../database/database';
import type { FanoutMode } from '../database/entities';
import type { ChatMessage } from '../common/types';
import type { EventBus } from '../infra/event-bus';
import type { RaftClient } from '../infra/raft-client.service';
import type { InboxStore } from '../fanout/inbox.store';
import type { ChatMetrics } from '../metrics/chat-metrics';

/** Messages of one conversation actor. `done(false)` means the pipeline must restart from its watermark. */
export type ConversationMsg =
  | { readonly kind: 'project'; readonly msg: StreamMessage; readonly revision: number; readonly done: (ok: boolean) => void }
  | { readonly kind: 'catchup'; readonly done: (ok: boolean) => void }
  | { readonly kind: 'idle' };

export interface ConversationDeps {
  readonly ds: DataSource;
  readonly inbox: InboxStore;
  readonly bus: EventBus;
  readonly raft: RaftClient;
  readonly metrics: ChatMetrics;
  readonly logger: Logger;
  /** Members above this → read fan-out. */
  readonly threshold: number;
  readonly idleMs: number;
  /** The projection's current low watermark (stored with every projected row). */
  readonly watermark: () => number;
  readonly stopping: () => boolean;
}

interface State {
  exists: boolean;
  lastSeq: number;
  fannedOutSeq: number;
  mode: FanoutMode;
  switchSeq: number;
}

interface ConvRow {
  mode: FanoutMode;
  switch_seq: string;
  last_seq: string;
  fanned_out_seq: string;
  member_count: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One actor per conversation: it alone projects that conversation's messages (gapless, in
 * seq order — a gap is filled from raft, a repeat is ignored), decides its fan-out mode,
 * writes the inbox references and publishes the push. So no two workers ever race on one
 * conversation, while different conversations proceed in parallel.
 */
export function conversationActor(conversationId: string, deps: ConversationDeps): ActorFactory<ConversationMsg> {
  const t = (name: string): string => tableOf(deps.ds, name);
  return () => {
    const state: State = { exists: false, lastSeq: 0, fannedOutSeq: 0, mode: 'write', switchSeq: 0 };
    let lastActive = Date.now();

    const load = async (): Promise<void> => {
      const rows = (await deps.ds.query(`SELECT mode, switch_seq, last_seq, fanned_out_seq, member_count FROM ${t('conversations')} WHERE id = $1`, [
        conversationId,
      ])) as ConvRow[];
      const r = rows[0];
      state.exists = r !== undefined;
      if (r) {
        state.lastSeq = Number(r.last_seq);
        state.fannedOutSeq = Number(r.fanned_out_seq);
        state.mode = r.mode;
        state.switchSeq = Number(r.switch_seq);
      }
    };

    /** Retries a step through transient failures (PostgreSQL/Redis/raft down) until it succeeds or we stop. */
    const persist = async (what: string, step: () => Promise<void>): Promise<boolean> => {
      for (let attempt = 0; ; attempt++) {
        try {
          await step();
          return true;
        } catch (e) {
          if (deps.stopping()) return false;
          deps.logger.warn(`conversation ${conversationId}: ${what} failed (attempt ${attempt + 1}): ${(e as Error).message}`);
          await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2));
          try {
            await load();
          } catch {
            // reload again on the next attempt
          }
        }
      }
    };

    /** Writes inbox references for every write-mode message not yet fanned out (after a crash). */
    const catchUpFanout = async (): Promise<void> => {
      if (state.fannedOutSeq >= state.lastSeq) return;
      const rows = (await deps.ds.query(
        `SELECT seq, msg_id, sender, client_msg_id, body, ts, revision FROM ${t('messages')}
          WHERE conversation_id = $1 AND seq > $2 AND via_inbox ORDER BY seq`,
        [conversationId, state.fannedOutSeq],
      )) as { seq: string; msg_id: string; sender: string; client_msg_id: string; body: string; ts: string; revision: string }[];
      for (const r of rows) {
        const m: Omit<ChatMessage, 'pts'> = {
          conversationId,
          seq: Number(r.seq),
          msgId: r.msg_id,
          sender: r.sender,
          clientMsgId: r.client_msg_id,
          body: r.body,
          ts: Number(r.ts),
          revision: Number(r.revision),
          mode: 'write',
        };
        await fanOut(m);
      }
      await markFannedOut(state.lastSeq);
    };

    const markFannedOut = async (seq: number): Promise<void> => {
      await deps.ds.query(`UPDATE ${t('conversations')} SET fanned_out_seq = GREATEST(fanned_out_seq, $2) WHERE id = $1`, [conversationId, seq]);
      state.fannedOutSeq = Math.max(state.fannedOutSeq, seq);
    };

    const fanOut = async (m: Omit<ChatMessage, 'pts'>): Promise<void> => {
      const members = (await deps.ds.query(`SELECT user_id FROM ${t('members')} WHERE conversation_id = $1 AND joined_seq < $2`, [conversationId, m.seq])) as {
        user_id: string;
      }[];
      const pts = await deps.inbox.append(
        members.map((r) => r.user_id),
        conversationId,
        m.seq,
      );
      deps.metrics.inboxWrites.inc(pts.size);
      await deps.bus.publish({ t: 'm', m, switchSeq: state.switchSeq, pts: Object.fromEntries(pts) });
    };

    const projectOne = async (msg: StreamMessage, revision: number): Promise<void> => {
      const started = performance.now();
      let projected: Omit<ChatMessage, 'pts'> | null = null;
      await deps.ds.transaction(async (em) => {
        // The row lock serialises with joins (which stamp joined_seq = last_seq).
        const rows = (await em.query(`SELECT mode, switch_seq, last_seq, member_count FROM ${t('conversations')} WHERE id = $1 FOR UPDATE`, [conversationId])) as ConvRow[];
        const c = rows[0];
        if (!c) throw new Error(`conversation ${conversationId} vanished`);
        const lastSeq = Number(c.last_seq);
        if (msg.seq <= lastSeq) return; // already projected (a replay after restart)
        if (msg.seq !== lastSeq + 1) throw new Error(`sequence gap: projected ${lastSeq}, got ${msg.seq}`);
        let mode = c.mode;
        let switchSeq = Number(c.switch_seq);
        if (mode === 'write' && c.member_count > deps.threshold) {
          // Every earlier message is already in every inbox (fanned_out_seq = last_seq, see
          // catchUpFanout before this), so readers can take over from here.
          mode = 'read';
          switchSeq = lastSeq;
          deps.metrics.modeSwitches.inc();
          deps.logger.log(`conversation ${conversationId} switches to read fan-out after seq ${lastSeq} (${c.member_count} members)`);
        }
        await em.query(
          `INSERT INTO ${t('messages')} (conversation_id, seq, msg_id, sender, client_msg_id, body, ts, revision, via_inbox)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
          [conversationId, msg.seq, msg.msgId, msg.sender, msg.clientMsgId, msg.body, msg.ts, revision, mode === 'write'],
        );
        await em.query(
          `UPDATE ${t('conversations')} SET last_seq = $2, last_revision = GREATEST(last_revision, $3), mode = $4::varchar, switch_seq = $5,
                  fanned_out_seq = CASE WHEN $4::varchar = 'read' THEN $2 ELSE fanned_out_seq END
            WHERE id = $1`,
          [conversationId, msg.seq, revision, mode, switchSeq],
        );
        await em.query(`UPDATE ${t('projection_state')} SET revision = GREATEST(revision, $1), updated_at = now() WHERE id = 1`, [deps.watermark()]);
        state.mode = mode;
        state.switchSeq = switchSeq;
        projected = {
          conversationId,
          seq: msg.seq,
          msgId: msg.msgId,
          sender: msg.sender,
          clientMsgId: msg.clientMsgId,
          body: msg.body,
          ts: msg.ts,
          revision,
          mode,
        };
      });
      const m = projected as Omit<ChatMessage, 'pts'> | null;
      if (!m) {
        await load();
        return;
      }
      state.lastSeq = m.seq;
      deps.metrics.projected.inc();
      if (m.mode === 'write') {
        await fanOut(m);
        await markFannedOut(m.seq);
      } else {
        state.fannedOutSeq = m.seq;
        await deps.bus.publish({ t: 'm', m, switchSeq: state.switchSeq });
      }
      deps.metrics.projectionSeconds.observe((performance.now() - started) / 1000);
    };

    const project = async (msg: StreamMessage, revision: number): Promise<void> => {
      if (!state.exists) await load();
      if (!state.exists) return; // not a chat conversation (another user of the streams API)
      await catchUpFanout();
      if (msg.seq <= state.lastSeq) return;
      if (msg.seq > state.lastSeq + 1) {
        // A gap (e.g. resumed after compaction): fetch the missing messages from raft first.
        let after = state.lastSeq;
        while (after < msg.seq - 1) {
          const page = await deps.raft.readStream(conversationId, after, Math.min(1000, msg.seq - 1 - after), 'linearizable');
          if (page.messages.length === 0) throw new Error(`raft has no messages after ${after} in ${conversationId}`);
          for (const m of page.messages) {
            if (m.seq >= msg.seq) break;
            await projectOne(m, revision);
            after = m.seq;
          }
        }
      }
      await projectOne(msg, revision);
    };

    return {
      async preStart(ctx) {
        ctx.scheduleRepeating(Math.max(100, Math.floor(deps.idleMs / 2)), { kind: 'idle' });
      },
      async receive(message, ctx) {
        if (message.kind === 'idle') {
          if (Date.now() - lastActive >= deps.idleMs && ctx.self.mailboxSize === 0) ctx.stop();
          return;
        }
        lastActive = Date.now();
        const ok =
          message.kind === 'project'
            ? await persist(`projecting seq ${message.msg.seq}`, () => project(message.msg, message.revision))
            : await persist('fan-out catch-up', async () => {
                await load();
                await catchUpFanout();
              });
        message.done(ok);
      },
    };
  };
}
