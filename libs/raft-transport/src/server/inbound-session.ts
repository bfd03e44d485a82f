import type { Socket } from 'node:net';
import { FrameConnection } from '../connection/frame-connection';
import { ClusterMismatchError, HandshakeTimeoutError, ProtocolViolationError, type TransportError } from '../errors';
import type { TransportLogger } from '../logger';
import type { DecodedFrame, EventBody, HandshakeBody, PayloadGuard, RequestBody, ResponseBody } from '../protocol/frame-bodies';
import { encodeFrame } from '../protocol/frame-encoder';
import { FrameKind, PROTOCOL_VERSION } from '../protocol/frame-kind';

/** Settings shared by all inbound sessions of a server. */
export interface InboundSessionOptions<T> {
  readonly selfId: string;
  readonly clusterId: string;
  readonly maxFrameBytes: number;
  readonly handshakeTimeoutMs: number;
  readonly isPayload: PayloadGuard<T>;
  readonly logger: TransportLogger;
}

/** What the server does with the traffic of an authenticated session. */
export interface InboundSessionHost<T> {
  onMessages(session: InboundSession<T>, messages: T[], wireBytes: number): void;
  onRequest(session: InboundSession<T>, request: RequestBody): void;
  onEvent(session: InboundSession<T>, event: EventBody): void;
  onClosed(session: InboundSession<T>, reason: TransportError | null): void;
}

/**
 * One accepted connection. Until the peer's handshake arrives (within the timeout) nothing
 * else is accepted; a handshake naming another cluster or protocol version closes it. Once
 * accepted, we answer with our own handshake so the dialler knows it reached the right node.
 */
export class InboundSession<T> {
  private readonly connection: FrameConnection<T>;
  private handshakeTimer: NodeJS.Timeout | null;
  private peer: string | null = null;

  constructor(
    socket: Socket,
    private readonly options: InboundSessionOptions<T>,
    private readonly host: InboundSessionHost<T>,
  ) {
    this.connection = new FrameConnection<T>(
      socket,
      {
        maxFrameBytes: options.maxFrameBytes,
        isPayload: options.isPayload,
        logger: options.logger,
        context: { direction: 'inbound', self: options.selfId, remote: `${socket.remoteAddress}:${socket.remotePort}` },
      },
      {
        onFrame: (frame, wireBytes) => this.onFrame(frame, wireBytes),
        onClose: (reason) => {
          this.clearHandshakeTimer();
          host.onClosed(this, reason);
        },
      },
    );
    this.handshakeTimer = setTimeout(
      () => this.connection.fail(new HandshakeTimeoutError(options.handshakeTimeoutMs)),
      options.handshakeTimeoutMs,
    );
    this.handshakeTimer.unref();
  }

  /** The peer's node id, once its handshake was accepted. */
  get peerId(): string | null {
    return this.peer;
  }

  /** Sends a response frame. Responses are small admin traffic, so backpressure is not tracked. */
  respond(body: ResponseBody): void {
    this.connection.write(encodeFrame(FrameKind.Response, body));
  }

  /** Closes without logging (server shutdown). */
  close(): void {
    this.connection.close();
  }

  private onFrame(frame: DecodedFrame<T>, wireBytes: number): void {
    const peerId = this.peer;
    if (peerId === null) {
      if (frame.kind !== FrameKind.Handshake) {
        throw new ProtocolViolationError(`expected a handshake, got frame kind ${frame.kind}`);
      }
      this.accept(frame.body);
      return;
    }
    switch (frame.kind) {
      case FrameKind.Messages:
        this.host.onMessages(this, frame.messages, wireBytes);
        return;
      case FrameKind.Request:
        this.host.onRequest(this, frame.body);
        return;
      case FrameKind.Event:
        this.host.onEvent(this, frame.body);
        return;
      default:
        throw new ProtocolViolationError(`unexpected frame kind ${frame.kind} on an inbound connection`);
    }
  }

  private accept(hello: HandshakeBody): void {
    if (hello.v !== PROTOCOL_VERSION) {
      throw new ProtocolViolationError(`peer speaks protocol v${hello.v}, we speak v${PROTOCOL_VERSION}`);
    }
    if (hello.clusterId !== this.options.clusterId) {
      throw new ClusterMismatchError(this.options.clusterId, hello.clusterId);
    }
    this.clearHandshakeTimer();
    this.peer = hello.nodeId;
    this.connection.annotate({ peer: hello.nodeId });
    const reply: HandshakeBody = { v: PROTOCOL_VERSION, nodeId: this.options.selfId, clusterId: this.options.clusterId };
    this.connection.write(encodeFrame(FrameKind.Handshake, reply));
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }
}
