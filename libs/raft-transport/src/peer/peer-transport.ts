import type { Message, NodeId } from '@raft/raft-core';
import type { RandomFn } from '../client/backoff';
import type { PeerLinkStats } from '../client/peer-link';
import { RaftTransportClient } from '../client/raft-transport-client';
import { InvalidTransportOptionsError } from '../errors';
import { noopLogger, type TransportLogger } from '../logger';
import type { BackoffOptions, DropPolicy } from '../options';
import type { PayloadGuard } from '../protocol/frame-bodies';
import { RaftTransportServer, type MessagesHandler, type RaftTransportServerStats } from '../server/raft-transport-server';

/** A TCP endpoint. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link PeerTransport}. Bounds apply per peer. */
export interface PeerTransportOptions<T = Message> {
  readonly selfId: NodeId;
  readonly clusterId: string;
  /** Where this node accepts its peers' connections (port 0 = ephemeral). */
  readonly listen: PeerAddress;
  /** Initial peers (excluding self); see {@link PeerTransport.addPeer} for changes. */
  readonly peers: Readonly<Record<NodeId, PeerAddress>>;
  /** Largest frame sent or accepted (value of the length prefix). Default 16 MiB. */
  readonly maxFrameBytes?: number;
  /** Per-peer send-queue bound in messages. Default 10 000. */
  readonly maxQueueMessages?: number;
  /** Per-peer send-queue bound in encoded bytes. Default 64 MiB. */
  readonly maxQueueBytes?: number;
  /** Which message gives way when a queue is full. Default `drop-newest`. */
  readonly dropPolicy?: DropPolicy;
  /** Reconnect backoff. Default base 50 ms, cap 2 s. */
  readonly backoff?: Partial<BackoffOptions>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: RandomFn;
  /** Connect + handshake deadline, both directions. Default 5 s. */
  readonly handshakeTimeoutMs?: number;
  /** Received-payload validator. Default: the Raft `Message` guard. */
  readonly isPayload?: PayloadGuard<T>;
  readonly logger?: TransportLogger;
}

/** Counters of one peer, with its address. */
export interface PeerStats extends PeerLinkStats {
  readonly address: PeerAddress;
}

/** Everything {@link PeerTransport.stats} reports. */
export interface PeerTransportStats {
  readonly peers: Readonly<Record<NodeId, PeerStats>>;
  /** Messages handed to `send` for a node that is not a known peer, or after `stop()`. */
  readonly unroutable: number;
  readonly server: RaftTransportServerStats;
}

interface PeerEntry<T> {
  readonly address: PeerAddress;
  client: RaftTransportClient<T> | null;
}

const IDLE_LINK: PeerLinkStats = {
  connected: false,
  queuedMessages: 0,
  queuedBytes: 0,
  dropped: 0,
  sentFrames: 0,
  sentMessages: 0,
  sentBytes: 0,
  reconnects: 0,
  lastErrorCode: null,
};

/**
 * The whole transport of one Raft node: a {@link RaftTransportServer} for inbound traffic and
 * one {@link RaftTransportClient} per peer (created on first send) for outbound traffic.
 * `send` routes each message by its `to` field and never blocks: a slow or dead peer only
 * fills (and then drops from) its own bounded queue.
 *
 * Standalone: `await t.start()` … `await t.stop()`. Inside Nest: pass `t.server` as the
 * strategy; Nest's `listen`/`close` then also start and stop the transport.
 */
export class PeerTransport<T extends { readonly to: NodeId } = Message> {
  /** The inbound side; also the Nest custom transport strategy. */
  readonly server: RaftTransportServer<T>;
  private readonly peers = new Map<NodeId, PeerEntry<T>>();
  private readonly log: TransportLogger;
  private readonly warnedUnknown = new Set<NodeId>();
  private unroutable = 0;
  private stopped = false;

  constructor(private readonly options: PeerTransportOptions<T>) {
    this.log = options.logger ?? noopLogger;
    this.server = new RaftTransportServer<T>({
      selfId: options.selfId,
      clusterId: options.clusterId,
      host: options.listen.host,
      port: options.listen.port,
      maxFrameBytes: options.maxFrameBytes,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      isPayload: options.isPayload,
      logger: this.log,
    });
    for (const [id, address] of Object.entries(options.peers)) this.addPeer(id, address);
    // When Nest closes the strategy, the outbound side must go too.
    this.server.status.subscribe((status) => {
      if (status === 'closed') {
        this.stopped = true;
        void this.closeClients();
      }
      if (status === 'listening') this.stopped = false;
    });
  }

  /** Starts listening. Outbound connections open lazily on first send. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.server.start();
  }

  /** Closes every connection and the listener; queued messages are discarded. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.closeClients(), this.server.close()]);
  }

  /** The bound listen address (after start). */
  address(): PeerAddress | null {
    return this.server.address();
  }

  /**
   * Routes each message to the peer named by its `to`. Never blocks or throws: messages for
   * unknown nodes are counted in `unroutable`; a full peer queue drops (see `stats()`).
   */
  send(messages: readonly T[]): void {
    if (this.stopped) {
      this.unroutable += messages.length;
      return;
    }
    if (messages.length === 1) {
      this.route(messages[0].to, messages);
      return;
    }
    const byPeer = new Map<NodeId, T[]>();
    for (const message of messages) {
      const group = byPeer.get(message.to);
      if (group) group.push(message);
      else byPeer.set(message.to, [message]);
    }
    for (const [to, group] of byPeer) this.route(to, group);
  }

  /** Registers a receiver of inbound batches; returns an unsubscribe function. */
  onMessages(handler: MessagesHandler<T>): () => void {
    return this.server.onMessages(handler);
  }

  /**
   * Adds a peer or changes its address (membership change). A changed address closes the old
   * connection; its queued messages are discarded.
   */
  addPeer(id: NodeId, address: PeerAddress): void {
    if (id === this.options.selfId) throw new InvalidTransportOptionsError(`cannot add self (${id}) as a peer`);
    const existing = this.peers.get(id);
    if (existing && existing.address.host === address.host && existing.address.port === address.port) return;
    if (existing?.client) void existing.client.close();
    this.peers.set(id, { address: { host: address.host, port: address.port }, client: null });
    this.warnedUnknown.delete(id);
  }

  /** Forgets a peer and closes its connection; resolves once the socket is closed. */
  async removePeer(id: NodeId): Promise<void> {
    const entry = this.peers.get(id);
    this.peers.delete(id);
    await entry?.client?.close();
  }

  /**
   * The client proxy of a known peer (created if needed), e.g. for admin requests with
   * `client(id).send('admin.ping', {})`. Throws for an unknown peer.
   */
  client(id: NodeId): RaftTransportClient<T> {
    const entry = this.peers.get(id);
    if (!entry) throw new InvalidTransportOptionsError(`unknown peer ${id}`);
    entry.client ??= this.createClient(id, entry.address);
    return entry.client;
  }

  stats(): PeerTransportStats {
    const peers: Record<NodeId, PeerStats> = {};
    for (const [id, entry] of this.peers) {
      peers[id] = { ...(entry.client?.stats() ?? IDLE_LINK), address: entry.address };
    }
    return { peers, unroutable: this.unroutable, server: this.server.stats() };
  }

  private route(to: NodeId, messages: readonly T[]): void {
    const entry = this.peers.get(to);
    if (!entry) {
      this.unroutable += messages.length;
      if (!this.warnedUnknown.has(to)) {
        this.warnedUnknown.add(to);
        this.log.warn({ code: 'UNKNOWN_PEER', peer: to }, 'raft-transport: message for an unknown peer dropped');
      }
      return;
    }
    entry.client ??= this.createClient(to, entry.address);
    entry.client.sendMessages(messages);
  }

  private createClient(id: NodeId, address: PeerAddress): RaftTransportClient<T> {
    return new RaftTransportClient<T>({
      host: address.host,
      port: address.port,
      selfId: this.options.selfId,
      clusterId: this.options.clusterId,
      expectedPeerId: id,
      maxFrameBytes: this.options.maxFrameBytes,
      maxQueueMessages: this.options.maxQueueMessages,
      maxQueueBytes: this.options.maxQueueBytes,
      dropPolicy: this.options.dropPolicy,
      backoff: this.options.backoff,
      random: this.options.random,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      logger: this.log,
    });
  }

  private async closeClients(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const entry of this.peers.values()) {
      if (entry.client) closing.push(entry.client.close());
      entry.client = null;
    }
    await Promise.all(closing);
  }
}
