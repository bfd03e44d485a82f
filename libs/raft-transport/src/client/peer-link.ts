import { connect as dialTcp } from 'node:net';
import { FrameConnection } from '../connection/frame-connection';
import {
  ClusterMismatchError,
  HandshakeTimeoutError,
  MessageTooLargeError,
  ProtocolViolationError,
  TransportClosedError,
  UnexpectedPeerError,
  type TransportError,
} from '../errors';
import type { TransportLogger } from '../logger';
import type { BackoffOptions, DropPolicy } from '../options';
import type { DecodedFrame, HandshakeBody, ResponseBody } from '../protocol/frame-bodies';
import { encodeBatchFrame, encodeFrame } from '../protocol/frame-encoder';
import { FrameKind, PROTOCOL_VERSION } from '../protocol/frame-kind';
import { arrayHeaderBytes, packValue } from '../protocol/msgpack';
import { backoffDelayMs, type RandomFn } from './backoff';
import { SendQueue } from './send-queue';

/** Where a link stands. `backoff` = waiting to redial after a failure. */
export type PeerLinkState = 'idle' | 'connecting' | 'open' | 'backoff' | 'closed';

/** Counters of one outbound link. Message counters only count Raft-batch traffic. */
export interface PeerLinkStats {
  /** Handshake completed and the socket is up. */
  readonly connected: boolean;
  readonly queuedMessages: number;
  readonly queuedBytes: number;
  /** Messages dropped because the queue was full or a message could not fit in a frame. */
  readonly dropped: number;
  /** Messages frames written to the socket. */
  readonly sentFrames: number;
  readonly sentMessages: number;
  /** Wire bytes of the Messages frames written (prefix and kind included). */
  readonly sentBytes: number;
  /** Connections established after the first one (i.e. successful reconnections). */
  readonly reconnects: number;
  /** Code of the fault that closed the last connection or failed the last attempt. */
  readonly lastErrorCode: string | null;
}

/** Settings of a link; every field is resolved (no defaults applied here). */
export interface PeerLinkOptions {
  readonly host: string;
  readonly port: number;
  readonly selfId: string;
  readonly clusterId: string;
  /** If set, a server answering with another node id is refused. */
  readonly expectedPeerId: string | undefined;
  readonly maxFrameBytes: number;
  readonly maxQueueMessages: number;
  readonly maxQueueBytes: number;
  readonly dropPolicy: DropPolicy;
  readonly backoff: BackoffOptions;
  readonly random: RandomFn;
  readonly handshakeTimeoutMs: number;
  readonly logger: TransportLogger;
}

/** Callbacks from a link to its owner (the Nest client proxy). */
export interface PeerLinkEvents {
  onOpen(): void;
  onLost(): void;
  onResponse(body: ResponseBody): void;
}

interface ControlFrame {
  readonly frame: Buffer;
  readonly onWritten: (() => void) | undefined;
}

/** Requests/events are admin traffic; this bound only stops a runaway caller. */
const MAX_CONTROL_FRAMES = 1024;

/** Outbound links never receive payload batches; any Messages frame is refused. */
const refusePayload = (_value: unknown): _value is never => false;

/**
 * One outbound connection to one peer, kept alive forever: dial, handshake, drain the send
 * queue in batches while respecting socket backpressure, and on any failure redial with
 * jittered exponential backoff. Messages queued while disconnected wait (within bounds) and
 * go out once the handshake completes — never before, so a refused handshake cannot eat them.
 */
export class PeerLink<T> {
  private readonly queue: SendQueue;
  private control: ControlFrame[] = [];
  private connection: FrameConnection<never> | null = null;
  private linkState: PeerLinkState = 'idle';
  private attempt = 0;
  private everOpened = false;
  private awaitingDrain = false;
  private flushScheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private openWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private counters = { dropped: 0, sentFrames: 0, sentMessages: 0, sentBytes: 0, reconnects: 0 };
  private lastErrorCode: string | null = null;
  /** Largest encoded message that still fits in a frame next to the kind byte and array header. */
  private readonly maxMessageBytes: number;

  constructor(
    private readonly options: PeerLinkOptions,
    private readonly events: PeerLinkEvents,
  ) {
    this.queue = new SendQueue(options.maxQueueMessages, options.maxQueueBytes, options.dropPolicy);
    this.maxMessageBytes = options.maxFrameBytes - 1 - arrayHeaderBytes(0x10000);
  }

  get state(): PeerLinkState {
    return this.linkState;
  }

  /** The live socket, if connected (for `unwrap()`). */
  get socket(): FrameConnection<never>['socket'] | null {
    return this.connection?.socket ?? null;
  }

  /** Starts dialling if idle. Idempotent. */
  start(): void {
    if (this.linkState === 'idle') this.dial();
  }

  /** Resolves once the handshake has completed; rejects if the link is closed first. */
  whenOpen(): Promise<void> {
    if (this.linkState === 'open') return Promise.resolve();
    if (this.linkState === 'closed') return Promise.reject(new TransportClosedError('link is closed'));
    return new Promise((resolve, reject) => this.openWaiters.push({ resolve, reject }));
  }

  /**
   * Encodes and enqueues payloads; never blocks and never throws for a full queue — excess
   * messages are dropped and counted. Starts the link if needed.
   */
  enqueue(payloads: readonly T[]): void {
    if (this.linkState === 'closed') {
      this.counters.dropped += payloads.length;
      return;
    }
    for (const payload of payloads) {
      if (this.queue.refusesNew) {
        this.counters.dropped++;
        continue;
      }
      const encoded = packValue(payload);
      if (encoded.length > this.maxMessageBytes) {
        this.counters.dropped++;
        const error = new MessageTooLargeError(encoded.length, this.maxMessageBytes);
        this.options.logger.warn({ ...this.logContext(), code: error.code, reason: error.message }, 'raft-transport: message dropped');
        continue;
      }
      this.counters.dropped += this.queue.offer(encoded);
    }
    this.start();
    this.scheduleFlush();
  }

  /**
   * Enqueues an already-encoded control frame (request or event), written ahead of payload
   * batches. Returns false when the control queue is full or the link is closed.
   */
  enqueueControl(frame: Buffer, onWritten?: () => void): boolean {
    if (this.linkState === 'closed' || this.control.length >= MAX_CONTROL_FRAMES) return false;
    this.control.push({ frame, onWritten });
    this.start();
    this.scheduleFlush();
    return true;
  }

  stats(): PeerLinkStats {
    return {
      connected: this.linkState === 'open',
      queuedMessages: this.queue.length,
      queuedBytes: this.queue.byteLength,
      ...this.counters,
      lastErrorCode: this.lastErrorCode,
    };
  }

  /** Stops for good: cancels timers, discards queued messages, closes the socket. */
  close(): Promise<void> {
    if (this.linkState === 'closed') return Promise.resolve();
    this.linkState = 'closed';
    this.clearTimers();
    this.queue.clear();
    this.control = [];
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) waiter.reject(new TransportClosedError('link closed before it connected'));
    const connection = this.connection;
    if (!connection) return Promise.resolve();
    return new Promise((resolve) => {
      connection.socket.once('close', () => resolve());
      connection.close();
    });
  }

  private dial(): void {
    this.linkState = 'connecting';
    const socket = dialTcp({ host: this.options.host, port: this.options.port });
    const connection = new FrameConnection<never>(
      socket,
      {
        maxFrameBytes: this.options.maxFrameBytes,
        isPayload: refusePayload,
        logger: this.options.logger,
        context: this.logContext(),
      },
      {
        onFrame: (frame) => this.onFrame(connection, frame),
        onClose: (reason) => this.onClose(connection, reason),
      },
    );
    this.connection = connection;
    // Covers TCP connect plus handshake: a black-holed address would otherwise hang for minutes.
    this.handshakeTimer = setTimeout(
      () => connection.fail(new HandshakeTimeoutError(this.options.handshakeTimeoutMs)),
      this.options.handshakeTimeoutMs,
    );
    this.handshakeTimer.unref();
    socket.once('connect', () => {
      const hello: HandshakeBody = { v: PROTOCOL_VERSION, nodeId: this.options.selfId, clusterId: this.options.clusterId };
      connection.write(encodeFrame(FrameKind.Handshake, hello));
    });
  }

  private onFrame(connection: FrameConnection<never>, frame: DecodedFrame<never>): void {
    if (this.linkState !== 'open') {
      if (frame.kind !== FrameKind.Handshake) {
        throw new ProtocolViolationError(`expected a handshake, got frame kind ${frame.kind}`);
      }
      this.acceptHandshake(connection, frame.body);
      return;
    }
    if (frame.kind !== FrameKind.Response) {
      throw new ProtocolViolationError(`unexpected frame kind ${frame.kind} on an outbound connection`);
    }
    this.events.onResponse(frame.body);
  }

  private acceptHandshake(connection: FrameConnection<never>, hello: HandshakeBody): void {
    if (hello.v !== PROTOCOL_VERSION) {
      throw new ProtocolViolationError(`peer speaks protocol v${hello.v}, we speak v${PROTOCOL_VERSION}`);
    }
    if (hello.clusterId !== this.options.clusterId) {
      throw new ClusterMismatchError(this.options.clusterId, hello.clusterId);
    }
    const expected = this.options.expectedPeerId;
    if (expected !== undefined && hello.nodeId !== expected) {
      throw new UnexpectedPeerError(expected, hello.nodeId);
    }
    this.clearTimers();
    connection.annotate({ peer: hello.nodeId });
    this.linkState = 'open';
    this.attempt = 0;
    if (this.everOpened) this.counters.reconnects++;
    this.everOpened = true;
    this.options.logger.info(this.logContext(), 'raft-transport: connected to peer');
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) waiter.resolve();
    this.events.onOpen();
    this.flush();
  }

  private onClose(connection: FrameConnection<never>, reason: TransportError | null): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.awaitingDrain = false;
    if (reason) this.lastErrorCode = reason.code;
    if (this.linkState === 'closed') return;
    const wasOpen = this.linkState === 'open';
    this.clearTimers();
    if (wasOpen) {
      this.options.logger.info({ ...this.logContext(), code: reason?.code ?? 'CLOSED_BY_PEER' }, 'raft-transport: connection to peer lost');
      this.events.onLost();
    }
    const delay = backoffDelayMs(this.attempt++, this.options.backoff, this.options.random);
    this.linkState = 'backoff';
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.linkState === 'backoff') this.dial();
    }, delay);
    this.retryTimer.unref();
  }

  /** Defers the write so that everything enqueued in this event-loop turn shares frames. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.linkState !== 'open' || this.awaitingDrain) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes control frames, then payload batches, until the queue is empty or the socket pushes back. */
  private flush(): void {
    const connection = this.connection;
    if (!connection || this.linkState !== 'open' || this.awaitingDrain) return;
    for (;;) {
      let frame: Buffer;
      const control = this.control.shift();
      if (control) {
        frame = control.frame;
        control.onWritten?.();
      } else {
        const batch = this.queue.takeBatch(this.options.maxFrameBytes);
        if (!batch) return;
        frame = encodeBatchFrame(batch.items, batch.bytes);
        this.counters.sentFrames++;
        this.counters.sentMessages += batch.items.length;
        this.counters.sentBytes += frame.length;
      }
      if (!connection.write(frame)) {
        if (!connection.isOpen) return;
        this.awaitingDrain = true;
        connection.socket.once('drain', () => {
          if (this.connection !== connection) return;
          this.awaitingDrain = false;
          this.flush();
        });
        return;
      }
    }
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.retryTimer = null;
    this.handshakeTimer = null;
  }

  private logContext(): Record<string, unknown> {
    return {
      direction: 'outbound',
      self: this.options.selfId,
      peer: this.options.expectedPeerId ?? null,
      remote: `${this.options.host}:${this.options.port}`,
    };
  }
}
