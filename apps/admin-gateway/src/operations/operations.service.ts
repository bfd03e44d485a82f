import { BadRequestException, ConflictException, HttpException, Injectable, Logger, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClusterClientService } from '../cluster/cluster-client.service';
import type { GatewayEnv } from '../config/gateway-config';
import { judge } from './operation-state';
import { OperationEntity, type OperationKind } from './operation.entity';

/**
 * Runs membership and leadership operations one at a time: validates against the live
 * configuration, hands the change to the leader's admin API, then follows it phase by
 * phase (learner → catching up → joint → new configuration), recording every step in
 * PostgreSQL and the audit log. The true state is always read back from the cluster, so a
 * leader change or a gateway restart cannot leave an operation "running" forever.
 */
@Injectable()
export class OperationsService implements OnModuleInit {
  private readonly logger = new Logger('operations');
  /** Emits 'operation' with the updated entity (the dashboard's live progress). */
  readonly events = new EventEmitter();
  private readonly timeoutMs: number;

  constructor(
    @InjectRepository(OperationEntity) private readonly repo: Repository<OperationEntity>,
    private readonly cluster: ClusterClientService,
    private readonly audit: AuditService,
    config: ConfigService,
  ) {
    this.timeoutMs = config.get<GatewayEnv>('gateway')!.OPERATION_TIMEOUT_MS;
    this.events.setMaxListeners(1000);
  }

  /** After a restart: operations still marked running are settled from the cluster's real state. */
  async onModuleInit(): Promise<void> {
    const running = await this.repo.find({ where: { status: 'running' } });
    if (running.length === 0) return;
    let view;
    try {
      view = await this.cluster.view();
    } catch {
      view = null;
    }
    for (const op of running) {
      const v = view ? judge(op, view, true) : { status: 'failed' as const, detail: 'interrupted by a gateway restart; the cluster was unreachable' };
      await this.finish(op, v.status === 'running' ? 'failed' : v.status, `reconciled after gateway restart: ${v.detail}`, v.status === 'succeeded' ? null : v.detail);
      this.logger.warn(`operation ${op.id} (${op.kind} ${op.target}) reconciled after restart: ${v.status} — ${v.detail}`);
    }
  }

  list(): Promise<OperationEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC' }, take: 100 });
  }

  async get(id: string): Promise<OperationEntity> {
    const op = /^[0-9a-f-]{36}$/.test(id) ? await this.repo.findOne({ where: { id } }) : null;
    if (!op) throw new NotFoundException(`operation ${id} not found`);
    return op;
  }

  async addMember(id: string, peerAddress: string, httpAddress: string, role: 'voter' | 'learner', actor: string): Promise<OperationEntity> {
    return this.start('add-member', id, { peerAddress, httpAddress, role }, actor, async (view) => {
      if ([...view.configuration.voters, ...view.configuration.learners].includes(id) && (role === 'learner' || view.configuration.voters.includes(id))) {
        throw new BadRequestException(`${id} is already a ${view.configuration.voters.includes(id) ? 'voter' : 'learner'}`);
      }
      return this.cluster.toLeader('POST', '/v1/admin/members', { id, peerAddress, httpAddress, role });
    });
  }

  async removeMember(id: string, actor: string): Promise<OperationEntity> {
    return this.start('remove-member', id, {}, actor, async (view) => {
      const c = view.configuration;
      if (![...c.voters, ...c.learners].includes(id)) throw new BadRequestException(`unknown node ${id}: not a member of the cluster`);
      if (c.voters.length === 1 && c.voters[0] === id) throw new BadRequestException(`cannot remove ${id}: it is the last voter`);
      return this.cluster.toLeader('DELETE', `/v1/admin/members/${encodeURIComponent(id)}`);
    });
  }

  async transferLeader(to: string, actor: string): Promise<OperationEntity> {
    return this.start('transfer-leader', to, {}, actor, async (view) => {
      if (!view.configuration.voters.includes(to)) throw new BadRequestException(`unknown node ${to}: not a voter`);
      if (view.leaderId === to) throw new BadRequestException(`${to} is already the leader`);
      return this.cluster.toLeader('POST', '/v1/admin/transfer-leadership', { to });
    });
  }

  private async start(
    kind: OperationKind,
    target: string,
    params: Record<string, unknown>,
    actor: string,
    submit: (view: Awaited<ReturnType<ClusterClientService['view']>>) => Promise<{ status: number; body: Record<string, unknown> }>,
  ): Promise<OperationEntity> {
    try {
      const busy = await this.repo.findOne({ where: { status: 'running' } });
      if (busy) throw new ConflictException(`operation ${busy.id} (${busy.kind} ${busy.target}) is still running`);
      const view = await this.cluster.view();
      if (!view.quorum) throw new HttpException('the cluster has no leader (no quorum?)', 503);
      if (view.changeInProgress) throw new ConflictException('a configuration change is already in progress in the cluster');
      const answer = await submit(view);
      if (answer.status !== 202) {
        const status = answer.status === 409 ? 409 : answer.status === 503 ? 503 : answer.status >= 400 && answer.status < 500 ? 400 : 502;
        throw new HttpException(String(answer.body['error'] ?? `leader answered ${answer.status}`), status);
      }
    } catch (e) {
      await this.audit.record(actor, kind, target, 'refused', { error: (e as Error).message, ...params });
      throw e;
    }
    const now = new Date().toISOString();
    const op = this.repo.create({ id: randomUUID(), kind, target, params, status: 'running', phase: 'accepted', steps: [{ phase: 'accepted', at: now }], error: null, actor, finishedAt: null });
    await this.repo.save(op);
    await this.audit.record(actor, kind, target, 'accepted', { operationId: op.id, ...params });
    this.events.emit('operation', op);
    void this.follow(op).catch((e: unknown) => this.logger.error(`following ${op.id} failed: ${String(e)}`));
    return op;
  }

  /** Polls the cluster until the operation settles, recording each phase the leader reports. */
  private async follow(op: OperationEntity): Promise<void> {
    const deadline = Date.now() + (op.kind === 'transfer-leader' ? Math.min(this.timeoutMs, 10_000) : this.timeoutMs);
    let lastPhase = op.phase;
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      let view;
      try {
        view = await this.cluster.view();
      } catch {
        continue;
      }
      const m = view.membership;
      if (m && m.change.id === op.target && op.kind !== 'transfer-leader') {
        const phase = m.round ? `${m.phase} (round ${m.round})` : m.phase;
        if (phase !== lastPhase) {
          lastPhase = phase;
          op.phase = m.phase;
          op.steps = [...op.steps, { phase, at: new Date().toISOString(), ...(m.error ? { detail: m.error } : {}) }];
          await this.repo.save(op);
          this.events.emit('operation', op);
        }
        if (m.phase === 'failed') return this.finish(op, 'failed', 'failed', m.error ?? 'the leader reported failure');
      }
      const timedOut = Date.now() > deadline;
      const v = judge(op, view, timedOut);
      if (v.status !== 'running') return this.finish(op, v.status, v.status === 'succeeded' ? 'done' : 'failed', v.status === 'succeeded' ? null : timedOut ? `timed out: ${v.detail}` : v.detail);
    }
  }

  private async finish(op: OperationEntity, status: 'succeeded' | 'failed', phase: string, error: string | null): Promise<void> {
    op.status = status;
    op.phase = phase;
    op.error = error;
    op.finishedAt = new Date();
    op.steps = [...op.steps, { phase, at: op.finishedAt.toISOString(), ...(error ? { detail: error } : {}) }];
    await this.repo.save(op);
    await this.audit.record(op.actor, op.kind, op.target, status, { operationId: op.id, ...(error ? { error } : {}) });
    this.events.emit('operation', op);
  }
}
