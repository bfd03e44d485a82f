import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ActorStoppedError, ActorSystem, RealScheduler, type ActorRef } from '@raft/raft-core';
import type { StreamMessage } from '@raft/raft-kv';
import { DataSource, type QueryRunner } from 'typeorm';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { tableOf } from '../database/database';
import { EventBus } from '../infra/event-bus';
import { RaftClient } from '../infra/raft-client.service';
import { InboxStore } from '../fanout/inbox.store';
import { ChatMetrics } from '../metrics/chat-metrics';
import { conversationActor, type ConversationDeps, type ConversationMsg } from './conversation.actor';
import { ProjectionStatus } from './projection-status.service';
import { RevisionTracker } from './revision-tracker';

const MESSAGE_KEY = /^stream\/([^/]+)\/m\/(\d{12})$/;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class WatchGoneError extends Error {}
class PipelineFailedError extends Error {}

interface ChangeEvent {
  revision: number;
  type: 'put' | 'delete';
  key: string;
  value?: string;
}

/**
 * The projection: consumes the committed raft change stream (GET /v1/watch, from a replica)
 * and hands each message to its conversation's actor, which writes it to PostgreSQL, fans
 * it out and pushes it. One instance at a time projects (PostgreSQL advisory lock held on a
 * dedicated connection; if that instance dies the lock is released and another takes over).
 * It resumes from the watermark stored in PostgreSQL; replays are idempotent.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projection');
  private stopping = false;
  private running: Promise<void> | null = null;
  private lock: QueryRunner | null = null;
  private system: ActorSystem | null = null;
  private tracker = new RevisionTracker(0);
  private failed = false;
  private abort: AbortController | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushedMark = 0;
  private active = false;

  constructor(
    private readonly ds: DataSource,
    private readonly raft: RaftClient,
    private readonly inbox: InboxStore,
    private readonly bus: EventBus,
    private readonly status: ProjectionStatus,
    private readonly metrics: ChatMetrics,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  /** True while this instance holds the projector lock. */
  get isProjector(): boolean {
    return this.active;
  }

  onApplicationBootstrap(): void {
    if (this.env.PROJECTION_ENABLED) this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.abort?.abort();
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        if (await this.acquireLock()) {
          this.active = true;
          this.logger.log('this instance is the projector');
          await this.projectUntilFailure();
        }
      } catch (e) {
        if (!this.stopping) this.logger.warn(`projection restarts: ${(e as Error).message}`);
      } finally {
        this.active = false;
        await this.teardown();
      }
      if (!this.stopping) await sleep(500 + Math.random() * 1000);
    }
  }

  private async acquireLock(): Promise<boolean> {
    if (!this.lock) {
      this.lock = this.ds.createQueryRunner();
      await this.lock.connect();
    }
    const rows = (await this.lock.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [`${this.env.DB_SCHEMA}.projector`])) as { ok: boolean }[];
    return rows[0]?.ok === true;
  }

  private async teardown(): Promise<void> {
    this.abort?.abort();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    const system = this.system;
    this.system = null;
    await system?.shutdown({ drain: false }).catch(() => undefined);
    if (this.lock) {
      const lock = this.lock;
      this.lock = null;
      // Releasing the connection ends the session and with it the advisory lock.
      await lock.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
      await lock.release().catch(() => undefined);
    }
  }

  private deps(): ConversationDeps {
    return {
      ds: this.ds,
      inbox: this.inbox,
      bus: this.bus,
      raft: this.raft,
      metrics: this.metrics,
      logger: this.logger,
      threshold: this.env.FANOUT_THRESHOLD,
      idleMs: this.env.ACTOR_IDLE_MS,
      watermark: () => this.tracker.watermark,
      stopping: () => this.stopping || this.failed,
    };
  }

  private async projectUntilFailure(): Promise<void> {
    const rows = (await this.ds.query(`SELECT revision FROM ${tableOf(this.ds, 'projection_state')} WHERE id = 1`)) as { revision: string }[];
    let from = Number(rows[0]?.revision ?? 0);
    this.tracker = new RevisionTracker(from);
    this.flushedMark = from;
    this.failed = false;
    this.system = new ActorSystem({
      scheduler: new RealScheduler({ unref: true }),
      onError: (f) => this.logger.error(`actor ${f.actor} failed in ${f.phase}: ${String(f.error)} (${f.outcome})`),
    });
    this.flushTimer = setInterval(() => void this.flush(), 100);
    // Fan-out interrupted by a crash: finish it before anything new.
    const pending = (await this.ds.query(`SELECT id FROM ${tableOf(this.ds, 'conversations')} WHERE fanned_out_seq < last_seq AND mode = 'write'`)) as { id: string }[];
    for (const { id } of pending) await this.dispatch(id, (done) => ({ kind: 'catchup', done }));
    this.logger.log(`projecting from revision ${from}`);
    while (!this.stopping) {
      if (this.failed) throw new PipelineFailedError('a conversation actor could not project; restarting from the watermark');
      try {
        from = await this.consume(from);
      } catch (e) {
        if (e instanceof WatchGoneError) {
          this.logger.warn(`watch history compacted after revision ${from}: resyncing from the streams API`);
          from = await this.resync();
          continue;
        }
        if (this.stopping || this.failed) continue;
        this.logger.warn(`watch stream broke: ${(e as Error).message}`);
        await this.raft.discover().catch(() => undefined);
        await sleep(100 + Math.random() * 200);
      }
    }
  }

  private flushScheduled = false;

  /** Flushes within a few milliseconds, coalescing bursts (session reads wait for this). */
  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      void this.flush();
    }, 2);
  }

  /** Persists and announces the watermark when it moved. */
  private flushing = false;

  private async flush(): Promise<void> {
    const mark = this.tracker.watermark;
    if (mark <= this.flushedMark || this.flushing || this.stopping) return;
    this.flushing = true;
    try {
      await this.ds.query(`UPDATE ${tableOf(this.ds, 'projection_state')} SET revision = GREATEST(revision, $1), updated_at = now() WHERE id = 1`, [mark]);
      this.flushedMark = mark;
      this.status.advance(mark);
      await this.bus.publish({ t: 'p', revision: mark });
    } catch (e) {
      this.logger.warn(`watermark flush failed: ${(e as Error).message}`);
    } finally {
      this.flushing = false;
    }
  }

  private actorFor(id: string): ActorRef<ConversationMsg> {
    const system = this.system!;
    const name = `conv:${id}`;
    const existing = system.lookup<ConversationMsg>(name);
    if (existing?.isAlive) return existing;
    return system.spawn<ConversationMsg>(name, conversationActor(id, this.deps()), { mailbox: { capacity: 1000 }, supervisor: { maxRestarts: 100, withinMs: 60_000 } });
  }

  /** Sends to the conversation's actor, waiting for mailbox space (backpressure on the watch stream). */
  private async dispatch(id: string, build: (done: (ok: boolean) => void) => ConversationMsg): Promise<{ finished: Promise<boolean> }> {
    let resolve!: (ok: boolean) => void;
    const finished = new Promise<boolean>((r) => (resolve = r));
    const msg = build((ok) => {
      if (!ok) this.failed = true;
      resolve(ok);
    });
    for (;;) {
      let ref = this.actorFor(id);
      try {
        await ref.send(msg);
        return { finished };
      } catch (e) {
        if (!(e instanceof ActorStoppedError)) throw e;
        // It was stopping (idle): wait until it is gone, then start a fresh one.
        await ref.terminated;
        ref = this.actorFor(id);
      }
    }
  }

  /** Reads the watch stream from `from`; returns the last revision received when the stream ends. */
  private async consume(from: number): Promise<number> {
    const node = this.raft.nextNode();
    this.abort = new AbortController();
    const res = await fetch(`http://${node}/v1/watch?prefix=stream/&fromRevision=${from}`, { signal: this.abort.signal, headers: { accept: 'text/event-stream' } });
    if (res.status === 410) {
      // Either our revision was compacted away, or (with `removedAt`) that node left the
      // cluster and another one must serve the watch.
      const body = (await res.json().catch(() => ({}))) as { removedAt?: unknown };
      if (body.removedAt !== undefined) throw new Error(`watch on ${node}: the node was removed from the cluster`);
      throw new WatchGoneError();
    }
    if (res.status !== 200 || !res.body) throw new Error(`watch on ${node} answered ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let last = from;
    let idle: NodeJS.Timeout | null = null;
    const armIdle = (): void => {
      if (idle) clearTimeout(idle);
      // The node sends a keepalive every 15 s; silence for longer means it is gone or paused.
      idle = setTimeout(() => this.abort?.abort(), 40_000);
    };
    armIdle();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return last;
        armIdle();
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const ev = parseSse(frame);
          if (!ev || ev.event !== 'change') continue;
          const change = JSON.parse(ev.data) as ChangeEvent;
          if (change.revision <= last) continue;
          await this.handle(change);
          last = change.revision;
          if (this.failed) return last;
        }
      }
    } finally {
      if (idle) clearTimeout(idle);
      reader.cancel().catch(() => undefined);
    }
  }

  private async handle(change: ChangeEvent): Promise<void> {
    const complete = this.tracker.begin(change.revision);
    const m = MESSAGE_KEY.exec(change.key);
    if (!m || change.type !== 'put' || change.value === undefined) {
      complete(); // counters and dedup markers: nothing to project
      return;
    }
    const msg = JSON.parse(change.value) as StreamMessage;
    const { finished } = await this.dispatch(m[1]!, (done) => ({ kind: 'project', msg, revision: change.revision, done }));
    void finished.then((ok) => {
      if (!ok) return;
      complete();
      this.flushSoon();
    });
  }

  /**
   * After the watch history was compacted: reads every known conversation's stream from its
   * projected seq (linearizable) and projects it, then returns the revision to watch from.
   */
  private async resync(): Promise<number> {
    const probe = await this.raft.readStream('__chat_probe', 0, 1, 'linearizable');
    const start = probe.revision;
    const complete = this.tracker.begin(start);
    const convs = (await this.ds.query(`SELECT id, last_seq FROM ${tableOf(this.ds, 'conversations')}`)) as { id: string; last_seq: string }[];
    const waits: Promise<boolean>[] = [];
    for (const c of convs) {
      let after = Number(c.last_seq);
      for (;;) {
        const page = await this.raft.readStream(c.id, after, 1000, 'linearizable');
        for (const msg of page.messages) waits.push((await this.dispatch(c.id, (done) => ({ kind: 'project', msg, revision: page.revision, done }))).finished);
        if (page.messages.length === 0 || page.messages[page.messages.length - 1]!.seq >= page.lastSeq) break;
        after = page.messages[page.messages.length - 1]!.seq;
      }
    }
    const results = await Promise.all(waits);
    if (results.every(Boolean)) complete();
    return start;
  }
}

function parseSse(frame: string): { event: string; data: string } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length === 0 ? null : { event, data: data.join('\n') };
}
