import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { ProjectionBehindError } from '../common/errors';
import { tableOf } from '../database/database';
import { EventBus } from '../infra/event-bus';
import { ChatMetrics } from '../metrics/chat-metrics';

interface Waiter {
  readonly revision: number;
  readonly resolve: () => void;
}

/**
 * How far the projection has got (raft revision), on every instance: pushed through the bus
 * by the projecting instance and polled from PostgreSQL while someone waits. Session reads
 * wait here for their revision (read-your-writes, monotonic reads) up to a deadline.
 */
@Injectable()
export class ProjectionStatus implements OnModuleInit, OnApplicationShutdown {
  private projected = 0;
  private waiters: Waiter[] = [];
  private poll: NodeJS.Timeout | null = null;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: EventBus,
    private readonly metrics: ChatMetrics,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.unsubscribe = this.bus.on((e) => {
      if (e.t === 'p') this.advance(e.revision);
    });
  }

  /** The revision every projected change is at or below. */
  get revision(): number {
    return this.projected;
  }

  advance(revision: number): void {
    if (revision <= this.projected) return;
    this.projected = revision;
    this.metrics.projectionRevision.set(revision);
    const ready = this.waiters.filter((w) => w.revision <= revision);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.revision > revision);
    for (const w of ready) w.resolve();
  }

  private async refresh(): Promise<void> {
    const rows = (await this.ds.query(`SELECT revision FROM ${tableOf(this.ds, 'projection_state')} WHERE id = 1`)) as { revision: string }[];
    if (rows[0]) this.advance(Number(rows[0].revision));
  }

  /**
   * Resolves once the projection has reached `revision`; throws {@link ProjectionBehindError}
   * (503) after `timeoutMs`.
   */
  async waitFor(revision: number, timeoutMs = this.env.CONSISTENCY_WAIT_MS): Promise<void> {
    if (revision <= this.projected) return;
    const reached = await new Promise<boolean>((resolve) => {
      const w: Waiter = { revision, resolve: () => resolve(true) };
      this.waiters.push(w);
      this.ensurePolling();
      setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(false);
      }, timeoutMs);
    });
    if (!reached) throw new ProjectionBehindError(revision, this.projected);
  }

  private ensurePolling(): void {
    if (this.poll) return;
    // Backup for a lost pub/sub message: poll PostgreSQL while anyone waits.
    this.poll = setInterval(() => {
      if (this.waiters.length === 0) {
        clearInterval(this.poll!);
        this.poll = null;
        return;
      }
      void this.refresh().catch(() => undefined);
    }, 100);
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
    if (this.poll) clearInterval(this.poll);
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }
}
