import type { Message } from '@raft/raft-core';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Socket } from 'node:net';
import { ConnectionLostError, RequestQueueFullError, TransportClosedError } from '../errors';
import { noopLogger, type TransportLogger } from '../logger';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_MESSAGES,
  requireFrameBytes,
  requirePositiveInteger,
  resolveBackoff,
  type BackoffOptions,
  type DropPolicy,
} from '../options';
import { RAFT_MESSAGES_PATTERN } from '../patterns';
import type { EventBody, RequestBody, ResponseBody } from '../protocol/frame-bodies';
import { encodeFrame } from '../protocol/frame-encoder';
import { FrameKind } from '../protocol/frame-kind';
import type { RandomFn } from './backoff';
import { PeerLink, type PeerLinkStats } from './peer-link';

/** Options of {@link RaftTransportClient}. Only the address and identities are required. */
export interface RaftTransportClientOptions {
  readonly host: string;
  readonly port: number;
  /** Our node id, sent in the handshake. */
  readonly selfId: string;
  /** Both ends must agree on it, or the connection is refused. */
  readonly clusterId: string;
  /** The node id we expect to answer; a mismatch (mis-wired address) closes the connection. */
  readonly expectedPeerId?: string;
  /** Largest frame (value of the length prefix) sent or accepted. Default 16 MiB. */
  readonly maxFrameBytes?: number;
  /** Send-queue bound in messages. Default 10 000. */
  readonly maxQueueMessages?: number;
  /** Send-queue bound in encoded bytes. Default 64 MiB. */
  readonly maxQueueBytes?: number;
  /** Which message gives way when the queue is full. Default `drop-newest`. */
  readonly dropPolicy?: DropPolicy;
  /** Reconnect backoff. Default base 50 ms, cap 2 s. */
  readonly backoff?: Partial<BackoffOptions>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: RandomFn;
  /** Time allowed for TCP connect plus handshake. Default 5 s. */
  readonly handshakeTimeoutMs?: number;
  readonly logger?: TransportLogger;
}

interface PendingRequest {
  readonly callback: (packet: WritePacket<unknown>) => void;
  /** Written to a socket: if that socket dies, no answer can come back. */
  sent: boolean;
}

/**
 * Nest `ClientProxy` over one outbound connection to one peer.
 *
 * - `sendMessages(batch)` is the Raft hot path: it enqueues into a bounded queue and returns
 *   at once (a full queue drops; see `PeerLinkStats.dropped`). `emit('raft.messages', batch)`
 *   does the same through Nest's API.
 * - `send(pattern, data)` (inherited) is request/response for admin calls, answered by the
 *   peer's `@MessagePattern` handlers. It waits for the connection, so a peer that is down
 *   makes it wait: compose with rxjs `timeout()`. A request already written when the
 *   connection drops errors with `CONNECTION_LOST`.
 *
 * The method is called `sendMessages`, not `send`, because `ClientProxy.send` is taken by
 * Nest's request/response API.
 */
export class RaftTransportClient<T = Message> extends ClientProxy {
  private readonly link: PeerLink<T>;
  private readonly pending = new Map<number, PendingRequest>();
  private nextRequestId = 0;

  constructor(options: RaftTransportClientOptions) {
    super();
    this.link = new PeerLink<T>(
      {
        host: options.host,
        port: options.port,
        selfId: options.selfId,
        clusterId: options.clusterId,
        expectedPeerId: options.expectedPeerId,
        maxFrameBytes: requireFrameBytes(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES),
        maxQueueMessages: requirePositiveInteger('maxQueueMessages', options.maxQueueMessages ?? DEFAULT_MAX_QUEUE_MESSAGES),
        maxQueueBytes: requirePositiveInteger('maxQueueBytes', options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES),
        dropPolicy: options.dropPolicy ?? 'drop-newest',
        backoff: resolveBackoff(options.backoff),
        random: options.random ?? Math.random,
        handshakeTimeoutMs: requirePositiveInteger('handshakeTimeoutMs', options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS),
        logger: options.logger ?? noopLogger,
      },
      {
        onOpen: () => this._status$.next('connected'),
        onLost: () => this.onConnectionLost(),
        onResponse: (body) => this.onResponse(body),
      },
    );
  }

  /** Starts connecting (if not already) and resolves once the handshake has completed. */
  connect(): Promise<void> {
    this.link.start();
    return this.link.whenOpen();
  }

  /** Closes the connection for good; pending requests fail with `TRANSPORT_CLOSED`. */
  async close(): Promise<void> {
    this.failPending(() => new TransportClosedError('client closed'), false);
    await this.link.close();
    this._status$.next('closed');
  }

  /**
   * Enqueues Raft messages for this peer; never blocks. Messages beyond the queue bounds
   * are dropped and counted. Dials the peer on first use.
   */
  sendMessages(messages: readonly T[]): void {
    this.link.enqueue(messages);
  }

  /** Queue, traffic and connection counters of this peer. */
  stats(): PeerLinkStats {
    return this.link.stats();
  }

  /** The connected socket. Throws `TRANSPORT_CLOSED` when there is none at the moment. */
  unwrap<S = Socket>(): S {
    const socket = this.link.socket;
    if (!socket) throw new TransportClosedError('not connected');
    return socket as S;
  }

  protected publish(packet: ReadPacket<unknown>, callback: (packet: WritePacket<unknown>) => void): () => void {
    const id = this.nextRequestId++;
    const request: RequestBody = { id, pattern: this.normalizePattern(packet.pattern), data: packet.data };
    const entry: PendingRequest = { callback, sent: false };
    this.pending.set(id, entry);
    const queued = this.link.enqueueControl(encodeFrame(FrameKind.Request, request), () => {
      entry.sent = true;
    });
    if (!queued) {
      this.pending.delete(id);
      callback({ err: new RequestQueueFullError('request queue is full or the client is closed') });
    }
    return () => this.pending.delete(id);
  }

  protected dispatchEvent<R = void>(packet: ReadPacket<unknown>): Promise<R> {
    const pattern = this.normalizePattern(packet.pattern);
    if (pattern === RAFT_MESSAGES_PATTERN && Array.isArray(packet.data)) {
      this.link.enqueue(packet.data as T[]);
      return Promise.resolve(undefined as R);
    }
    const event: EventBody = { pattern, data: packet.data };
    if (!this.link.enqueueControl(encodeFrame(FrameKind.Event, event))) {
      return Promise.reject(new RequestQueueFullError('event queue is full or the client is closed'));
    }
    return Promise.resolve(undefined as R);
  }

  private onResponse(body: ResponseBody): void {
    const entry = this.pending.get(body.id);
    if (!entry) return; // unsubscribed or timed out: the answer is no longer wanted
    const failed = body.err !== undefined && body.err !== null;
    if (failed || body.isDisposed) this.pending.delete(body.id);
    entry.callback(failed ? { err: body.err } : { response: body.response, isDisposed: body.isDisposed });
  }

  private onConnectionLost(): void {
    this._status$.next('disconnected');
    this.failPending(() => new ConnectionLostError('connection lost while the request was in flight'), true);
  }

  private failPending(makeError: () => Error, onlySent: boolean): void {
    for (const [id, entry] of this.pending) {
      if (onlySent && !entry.sent) continue;
      this.pending.delete(id);
      entry.callback({ err: makeError() });
    }
  }
}
