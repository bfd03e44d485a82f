import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ConfigChangeInProgressError, NotLeaderError, RealScheduler, validateChange, type ConfigState, type MembershipChange, type NodeId } from '@raft/raft-core';
import { RaftHost, type ReadConsistency } from '@raft/raft-host';
import { KvStateMachine, type KvResult } from '@raft/raft-kv';
import { AddressBook, type MemberAddress } from './address-book';
import { openNodeStorage } from './node-storage';
import { createPeerLink, type PeerLink } from './peer-link';
import { parsePeers, type NodeEnv } from '../config/node-config';
import { NodeMetrics } from '../metrics/node-metrics';
import { seededRandom } from './seeded-random';

/**
 * Owns this node's Raft machinery: storage, peer transport, the KV state machine and the
 * host that drives the kernel. Everything else talks to the cluster through this service.
 */
@Injectable()
export class RaftNodeService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('raft');
  readonly kv: KvStateMachine;
  private host!: RaftHost<KvResult>;
  private link!: PeerLink;
  private addresses!: AddressBook;
  private readonly env: NodeEnv;

  constructor(
    config: ConfigService,
    @Inject(NodeMetrics) private readonly metrics: NodeMetrics,
  ) {
    this.env = config.get<NodeEnv>('node')!;
    this.kv = new KvStateMachine();
  }

  get id(): NodeId {
    return this.env.NODE_ID;
  }

  get settings(): NodeEnv {
    return this.env;
  }

  async onModuleInit(): Promise<void> {
    const env = this.env;
    const peers = parsePeers(env.PEERS);
    const storage = await openNodeStorage(env.DATA_DIR, env.SNAPSHOT_WRITE_MBPS, env.WAL_RECYCLE_SEGMENTS, this.logger);
    this.link = await createPeerLink(env, peers, this.logger);
    const initial = new Map<string, MemberAddress>(peers.map((p) => [p.id, { peer: `${p.host}:${p.peerPort}`, http: `${p.host}:${p.httpPort}` }]));
    this.addresses = new AddressBook(env.NODE_ID, initial, this.link);
    this.addresses.follow(this.kv);
    const bootstrap: ConfigState = env.JOIN
      ? { voters: [], learners: [], outgoing: [] }
      : { voters: peers.map((p) => p.id), learners: [], outgoing: [] };
    const tick = env.TICK_MS;
    this.host = await RaftHost.start<KvResult>({
      kernel: {
        id: env.NODE_ID,
        electionTicks: Math.max(2, Math.round(env.ELECTION_TIMEOUT_MS / tick)),
        heartbeatTicks: Math.max(1, Math.round(env.HEARTBEAT_INTERVAL_MS / tick)),
        random: seededRandom(),
        preVote: true,
        checkQuorum: true,
      },
      storage,
      sender: this.link,
      stateMachine: this.kv,
      scheduler: new RealScheduler(),
      tickMs: tick,
      bootstrapConfig: bootstrap,
      snapshotThreshold: env.SNAPSHOT_THRESHOLD,
      snapshotLogRatio: env.SNAPSHOT_LOG_RATIO,
      observer: this.metrics.hostObserver(this.logger),
    });
    this.link.onMessages((msgs) => this.host.receive(msgs));
    this.metrics.bindStatus(() => this.host.status(), () => this.link.stats());
    this.logger.log(`node ${env.NODE_ID} started: peers on ${env.HOST}:${env.PEER_PORT}, data in ${env.DATA_DIR}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.host?.stop();
    await this.link?.stop();
  }

  propose(data: Uint8Array, key: string): Promise<KvResult> {
    this.metrics.proposals.inc();
    return this.host.propose(data, key, this.env.REQUEST_TIMEOUT_MS);
  }

  /** Waits until the local state may be read at `consistency`. */
  async readBarrier(consistency: ReadConsistency): Promise<void> {
    if (this.env.UNSAFE_STALE_READS) return; // test-only broken mode, see NodeEnv
    await this.host.read(consistency, this.env.REQUEST_TIMEOUT_MS);
  }

  /** Set once this node knows it was removed from the cluster (see `RaftKernel.removedAt`). */
  removedAt(): number | null {
    return this.host.removedAt();
  }

  status(): ReturnType<RaftHost<KvResult>['status']> {
    return this.host.status();
  }

  /** Throws the typed error a membership change would hit, without starting it. */
  assertCanChangeMembership(change: MembershipChange): void {
    const s = this.host.status();
    if (s.role !== 'leader') throw new NotLeaderError(s.leaderId);
    if (s.configChangeInProgress) throw new ConfigChangeInProgressError();
    validateChange(s.config, change);
  }

  changeMembership(change: MembershipChange): void {
    this.host.changeMembership(change);
  }

  /** Known member addresses (peer and HTTP), including members added at runtime. */
  members(): Record<string, MemberAddress> {
    return this.addresses.all();
  }

  transferLeadership(to: NodeId): void {
    this.host.transferLeadership(to);
  }
}
