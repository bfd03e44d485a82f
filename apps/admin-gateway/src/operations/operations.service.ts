import { BadRequestException, ConflictException, HttpException, Injectable, Logger, NotFoundException, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import { QueryFailedError, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClusterClientService, type NodeAnswer } from '../cluster/cluster-client.service';
import type { ClusterView, NodeStatus } from '../cluster/cluster-types';
import { ClusterWatcher } from '../cluster/cluster-watcher.service';
import { GATEWAY_ENV, type GatewayEnv } from '../config/gateway-config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { observe, reconcile, type FinalStatus, type FollowState, type OperationKind } from './operation-state';
import { OperationEntity, type OperationStep } from './operation.entity';

/** How long to look for a leader when reconciling at start before trying again in the background. */
const RECONCILE_WAIT_MS = 5000;

/**
 * Runs membership and leadership operations, one at a time: validates a request against
 * the live configuration, records the operation (write-ahead: before the leader is asked),
 * hands the change to the leader's admin API, then follows it phase by phase (learner →
 * catching up → joint → new configuration), recording every step in PostgreSQL and every
 * outcome in the audit log. Outcomes are always read back from the cluster, so a leader
 * change or a gateway restart cannot leave an operation "running" forever.
 */
@Injectable()
export class OperationsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('operations');
  /** Every change to an operation (the dashboard's live progress). */
  readonly changes = new Subject<OperationEntity>();
  private readonly env: GatewayEnv;
  /** Serialises the check-then-start section of requests in this process. */
  private lock: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private readonly following = new Set<Promise<void>>();

  constructor(
    @InjectRepository(OperationEntity) private readonly repo: Repository<OperationEntity>,
    private readonly cluster: ClusterClientService,
    private readonly watcher: ClusterWatcher,
    private readonly audit: AuditService,
    private readonly metrics: GatewayMetrics,
    config: ConfigService,
  ) {
    this.env = config.getOrThrow<GatewayEnv>(GATEWAY_ENV);
  }

  /** After a restart: operations still marked running are resumed or settled from the cluster's true state. */
  async onApplicationBootstrap(): Promise<void> {
    const running = await this.repo.find({ where: { status: 'running' } });
    if (running.length === 0) return;
    const view = await this.viewWithLeader(RECONCILE_WAIT_MS);
    if (view) {
      for (const op of running) await this.reconcileOne(op, view);
      return;
    }
    // No leader yet: keep looking in the background; fail the operations at their timeout.
    this.track(this.reconcileLater(running));
  }

  private async reconcileLater(ops: OperationEntity[]): Promise<void> {
    const view = await this.viewWithLeader(this.env.OPERATION_TIMEOUT_MS);
    for (const op of ops) await this.reconcileOne(op, view);
  }

  private async viewWithLeader(ms: number): Promise<ClusterView | null> {
    const deadline = Date.now() + ms;
    while (!this.stopping) {
      const view = await this.cluster.view().catch(() => null);
      if (view?.quorum) return view;
      if (Date.now() >= deadline) return view;
      await sleep(200);
    }
    return null;
  }

  private async reconcileOne(op: OperationEntity, view: ClusterView | null): Promise<void> {
    if (this.stopping) return;
    const r = reconcile(op, view);
    if (r.resume) {
      this.logger.warn(`operation ${op.id} (${op.kind} ${op.target}) still runs in the cluster; following it again after the restart`);
      await this.addStep(op, { phase: 'resumed after gateway restart', at: new Date().toISOString() });
      this.track(this.follow(op));
      return;
    }
    this.logger.warn(`operation ${op.id} (${op.kind} ${op.target}) reconciled after restart: ${r.outcome.status}: ${r.outcome.detail}`);
    await this.finish(op, r.outcome.status, `reconciled after gateway restart: ${r.outcome.detail}`);
  }

  async list(limit = 100): Promise<OperationEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC' }, take: limit });
  }

  async get(id: string): Promise<OperationEntity> {
    const op = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? await this.repo.findOne({ where: { id } }) : null;
    if (!op) throw new NotFoundException(`operation ${id} not found`);
    return op;
  }

  /** Adds a node as a learner, or as a voter (learner → catch-up → joint → new configuration); promotes a learner. */
  addMember(id: string, peerAddress: string, httpAddress: string, role: 'voter' | 'learner', actor: string): Promise<OperationEntity> {
    return this.start('add-member', id, { role, peerAddress, httpAddress }, actor, async (view) => {
      const c = view.configuration;
      if (c.voters.includes(id) || c.outgoing.includes(id)) throw new BadRequestException(`${id} is already a voter`);
      if (c.learners.includes(id) && role === 'learner') throw new BadRequestException(`${id} is already a learner`);
      const clash = view.members.find((m) => m.id !== id && (m.address.peer === peerAddress || m.address.http === httpAddress));
      if (clash) throw new BadRequestException(`address ${clash.address.peer === peerAddress ? peerAddress : httpAddress} is already used by ${clash.id}`);
      await this.assertNodeAnswers(id, httpAddress, c.learners.includes(id));
      return this.cluster.toLeader('POST', '/v1/admin/members', { id, peerAddress, httpAddress, role });
    });
  }

  /** Removes a voter or learner; removing the leader works (it steps down once C(new) commits). */
  removeMember(id: string, actor: string): Promise<OperationEntity> {
    return this.start('remove-member', id, {}, actor, async (view) => {
      const c = view.configuration;
      if (![...c.voters, ...c.learners].includes(id)) throw new BadRequestException(`unknown node ${id}: not a member of the cluster`);
      if (c.voters.length === 1 && c.voters[0] === id) throw new BadRequestException(`cannot remove ${id}: it is the last voter`);
      return this.cluster.toLeader('DELETE', `/v1/admin/members/${encodeURIComponent(id)}`);
    });
  }

  /** Hands leadership to a voter; succeeds when it leads, fails after TRANSFER_TIMEOUT_MS. */
  transferLeader(to: string, actor: string): Promise<OperationEntity> {
    return this.start('transfer-leader', to, {}, actor, async (view) => {
      const c = view.configuration;
      if (c.learners.includes(to)) throw new BadRequestException(`${to} is a learner; only a voter can lead`);
      if (!c.voters.includes(to)) throw new BadRequestException(`unknown node ${to}: not a voter of the cluster`);
      if (view.leaderId === to) throw new BadRequestException(`${to} is already the leader`);
      const member = view.members.find((m) => m.id === to);
      if (!member?.reachable) throw new BadRequestException(`${to} is unreachable; it cannot take over`);
      return this.cluster.toLeader('POST', '/v1/admin/transfer-leadership', { to });
    });
  }

  /** A node is added only if it runs at the given address and is who it says it is. */
  private async assertNodeAnswers(id: string, httpAddress: string, alreadyLearner: boolean): Promise<void> {
    let s: NodeStatus;
    try {
      const res = await fetch(`http://${httpAddress}/v1/status`, { signal: AbortSignal.timeout(this.env.NODE_TIMEOUT_MS) });
      s = (await res.json()) as NodeStatus;
    } catch {
      if (alreadyLearner) return; // promoting a known learner: its own reachability shows in catch-up
      throw new BadRequestException(`no node answers at ${httpAddress}; start ${id} first (npm run cluster -- start-new ${id})`);
    }
    if (s.id !== id) throw new BadRequestException(`the node at ${httpAddress} is ${String(s.id)}, not ${id}`);
  }

  private start(
    kind: OperationKind,
    target: string,
    params: OperationEntity['params'],
    actor: string,
    validateAndSubmit: (view: ClusterView) => Promise<NodeAnswer>,
  ): Promise<OperationEntity> {
    const run = this.lock.then(() => this.startLocked(kind, target, params, actor, validateAndSubmit));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async startLocked(
    kind: OperationKind,
    target: string,
    params: OperationEntity['params'],
    actor: string,
    validateAndSubmit: (view: ClusterView) => Promise<NodeAnswer>,
  ): Promise<OperationEntity> {
    const now = new Date().toISOString();
    let op: OperationEntity | null = null;
    let accepted = false;
    try {
      const busy = await this.repo.findOne({ where: { status: 'running' } });
      if (busy) throw new ConflictException(`operation ${busy.id} (${busy.kind} ${busy.target}) is still running`);
      const view = await this.cluster.view();
      if (!view.quorum) throw new HttpException({ message: 'the cluster has no leader (no quorum?)' }, 503);
      if (view.changeInProgress) {
        const m = view.membership;
        throw new ConflictException(`a configuration change is already in progress in the cluster${m ? ` (${m.change.kind} ${m.change.id}: ${m.phase})` : ' (joint configuration)'}`);
      }
      // Write-ahead: the operation exists before the leader hears of it, so a crash in between is reconciled.
      op = this.repo.create({ id: randomUUID(), kind, target, params, status: 'running', phase: 'requested', steps: [{ phase: 'requested', at: now }], error: null, actor, finishedAt: null });
      await this.repo.insert(op).catch((e: unknown) => {
        if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') throw new ConflictException('another operation is still running');
        throw e;
      });
      const answer = await validateAndSubmit(view);
      if (answer.status !== 202) {
        const status = answer.status === 409 || answer.status === 503 ? answer.status : answer.status >= 400 && answer.status < 500 ? 400 : 502;
        throw new HttpException({ message: String(answer.body['error'] ?? `the leader answered ${answer.status}`) }, status);
      }
      accepted = true;
      const m = answer.body['membership'] as { phase?: string } | undefined;
      op.phase = 'accepted';
      op.steps = [...op.steps, { phase: 'accepted', at: new Date().toISOString(), ...(m?.phase ? { detail: `leader: ${m.phase}` } : {}) }];
      const record = op;
      await this.repo.manager.transaction(async (tx) => {
        await tx.save(OperationEntity, record);
        await this.audit.record(actor, kind, target, 'accepted', { operationId: record.id, ...params }, tx);
      });
    } catch (e) {
      if (op && accepted) {
        // The leader runs the change: keep the operation (it is followed, or reconciled at the next start).
        this.logger.error(`operation ${op.id} was accepted by the leader but could not be recorded: ${String(e)}`);
        this.track(this.follow(op));
        throw e;
      }
      if (op) await this.repo.delete({ id: op.id });
      const error = e instanceof HttpException ? e.message : String(e);
      await this.audit.record(actor, kind, target, 'refused', { ...params, error, status: e instanceof HttpException ? e.getStatus() : 500 });
      this.metrics.operations.inc({ kind, outcome: 'refused' });
      throw e;
    }
    this.metrics.operations.inc({ kind, outcome: 'accepted' });
    this.metrics.running.set(1);
    this.watcher.setFast(true);
    this.changes.next(op);
    this.track(this.follow(op));
    return op;
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => this.logger.error(`operation follower failed: ${String(e)}`)).finally(() => this.following.delete(tracked));
    this.following.add(tracked);
  }

  /** Polls the cluster until the operation is over, recording each step. */
  private async follow(op: OperationEntity): Promise<void> {
    const started = Date.now();
    const timeout = op.kind === 'transfer-leader' ? this.env.TRANSFER_TIMEOUT_MS : this.env.OPERATION_TIMEOUT_MS;
    const st: FollowState = { lastPhase: op.phase, startedAt: started, deadline: started + timeout, lastActiveAt: started, lastLeader: null };
    while (!this.stopping) {
      await sleep(this.env.POLL_INTERVAL_MS);
      if (this.stopping) return; // left running on purpose: reconciled at the next start
      const view = await this.cluster.view().catch(() => null);
      const o = observe(op, st, view, Date.now());
      if (o.step) {
        st.lastPhase = o.step.phase;
        await this.addStep(op, { phase: o.step.phase, at: new Date().toISOString(), ...(o.step.detail ? { detail: o.step.detail } : {}) });
      }
      if (o.outcome) return this.finish(op, o.outcome.status, o.outcome.detail);
    }
  }

  private async addStep(op: OperationEntity, step: OperationStep): Promise<void> {
    op.phase = step.phase;
    op.steps = [...op.steps, step];
    await this.repo.save(op);
    this.changes.next(op);
  }

  private async finish(op: OperationEntity, status: FinalStatus, detail: string): Promise<void> {
    op.status = status;
    op.phase = status;
    op.error = status === 'succeeded' ? null : detail;
    op.finishedAt = new Date();
    op.steps = [...op.steps, { phase: status, at: op.finishedAt.toISOString(), detail }];
    // The outcome and its audit entry commit together.
    await this.repo.manager.transaction(async (m) => {
      await m.save(OperationEntity, op);
      await this.audit.record(op.actor, op.kind, op.target, status, { operationId: op.id, detail }, m);
    });
    this.metrics.operations.inc({ kind: op.kind, outcome: status });
    this.metrics.running.set(0);
    this.watcher.setFast(false);
    this.changes.next(op);
  }

  /** On shutdown, stop following: a running operation stays "running" and is reconciled at the next start. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.changes.complete();
    await Promise.allSettled([...this.following]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
