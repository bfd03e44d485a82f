import type { Message } from '@raft/raft-core';
import { Server, type CustomTransportStrategy, type WritePacket } from '@nestjs/microservices';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { TransportError } from '../errors';
import { noopLogger, type TransportLogger } from '../logger';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_MAX_FRAME_BYTES, requireFrameBytes, requirePositiveInteger } from '../options';
import { NO_MESSAGE_HANDLER_ERROR, RAFT_MESSAGES_PATTERN } from '../patterns';
import type { EventBody, PayloadGuard, RequestBody } from '../protocol/frame-bodies';
import { isRaftMessage } from '../protocol/raft-message-guard';
import { serializeError } from '../protocol/serialize-error';
import { InboundSession, type InboundSessionOptions } from './inbound-session';
import { RaftTransportContext } from './raft-transport-context';

/** Identifies this transport to Nest's processing hooks. */
export const RAFT_TRANSPORT_ID: unique symbol = Symbol('raft-transport');

/** Options of {@link RaftTransportServer}. */
export interface RaftTransportServerOptions<T = Message> {
  /** Our node id, sent back in the handshake. */
  readonly selfId: string;
  /** Connections whose handshake names another cluster are refused. */
  readonly clusterId: string;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (an ephemeral port; read it back with `address()`). */
  readonly port?: number;
  /** Largest accepted frame (value of the length prefix). Default 16 MiB. */
  readonly maxFrameBytes?: number;
  /** Time a new connection has to send its handshake. Default 5 s. */
  readonly handshakeTimeoutMs?: number;
  /** Validates every received payload; default: the Raft `Message` guard. */
  readonly isPayload?: PayloadGuard<T>;
  readonly logger?: TransportLogger;
}

/** Direct receiver of payload batches; `from` is the sender's handshake node id. */
export type MessagesHandler<T = Message> = (messages: T[], from: string) => void;

/** Events of the underlying `net.Server` that `on()` forwards. */
export type RaftTransportServerEvents = {
  listening: () => void;
  close: () => void;
  error: (error: Error) => void;
  connection: (socket: Socket) => void;
};

/** Lifecycle of the server, emitted on Nest's `status` observable. */
export type RaftTransportServerStatus = 'listening' | 'closed';

/** Receive-side counters. */
export interface RaftTransportServerStats {
  /** Inbound connections currently open (handshaken or not). */
  readonly connections: number;
  readonly receivedFrames: number;
  readonly receivedMessages: number;
  readonly receivedBytes: number;
  /** Inbound connections closed because of a protocol fault (bad frame, wrong cluster, …). */
  readonly rejectedConnections: number;
}

/**
 * Nest custom transport strategy receiving Raft traffic over TCP frames.
 *
 * Payload batches are delivered to every handler registered with {@link onMessages} and to
 * the Nest handler of `@EventPattern('raft.messages')`, if any. `onMessages` is the path for
 * the Raft host: a plain synchronous call per batch, where the Nest path goes through the
 * handler proxy, interceptors and an rxjs Observable per batch — fine for a controller,
 * measurable overhead at tens of thousands of batches per second.
 *
 * Requests are answered by `@MessagePattern` handlers over the same connection; other events
 * go to `@EventPattern` handlers. Works standalone (`listen`/`close`) or as the strategy of
 * `app.connectMicroservice({ strategy })`.
 */
export class RaftTransportServer<T = Message>
  extends Server<RaftTransportServerEvents, RaftTransportServerStatus>
  implements CustomTransportStrategy
{
  private netServer: NetServer | null = null;
  /** The bind in progress or done; null when closed (so `listen` after `close` rebinds). */
  private starting: Promise<void> | null = null;
  private readonly sessions = new Set<InboundSession<T>>();
  private readonly directHandlers = new Set<MessagesHandler<T>>();
  /** Subscriptions made through `on()`, re-attached to every new `net.Server`. */
  private readonly listeners: ((server: NetServer) => void)[] = [];
  private readonly sessionOptions: InboundSessionOptions<T>;
  private readonly log: TransportLogger;
  private readonly host: string;
  private readonly port: number;
  private onSessionsDrained: (() => void) | null = null;
  private counters = { receivedFrames: 0, receivedMessages: 0, receivedBytes: 0, rejectedConnections: 0 };

  constructor(options: RaftTransportServerOptions<T>) {
    super();
    this.transportId = RAFT_TRANSPORT_ID;
    this.log = options.logger ?? noopLogger;
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.sessionOptions = {
      selfId: options.selfId,
      clusterId: options.clusterId,
      maxFrameBytes: requireFrameBytes(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES),
      handshakeTimeoutMs: requirePositiveInteger('handshakeTimeoutMs', options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS),
      // The default guard only fits Message; a caller with another T must pass its own.
      isPayload: options.isPayload ?? (isRaftMessage as unknown as PayloadGuard<T>),
      logger: this.log,
    };
  }

  /**
   * Starts listening; `callback()` on success, `callback(error)` on failure (Nest's contract).
   * Calling it while already listening just calls back, so a `PeerTransport` can be started
   * both by itself and by Nest.
   */
  listen(callback: (error?: unknown) => void): void {
    this.starting ??= this.bind().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    this.starting.then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Promise form of {@link listen}. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.listen((error) => (error ? reject(error) : resolve())));
  }

  /** Stops accepting, closes every inbound connection, resolves once the port is released. */
  async close(): Promise<void> {
    const starting = this.starting;
    this.starting = null;
    // A bind still in flight would otherwise finish after close() and leak a listener.
    if (starting) await starting.catch(() => undefined);
    const server = this.netServer;
    if (!server) return;
    this.netServer = null;
    const portReleased = new Promise<void>((resolve) => server.close(() => resolve()));
    const sessionsClosed = new Promise<void>((resolve) => {
      this.onSessionsDrained = resolve;
      for (const session of this.sessions) session.close();
      this.notifyIfDrained();
    });
    await Promise.all([portReleased, sessionsClosed]);
    this._status$.next('closed');
  }

  /** Bound address, or null when not listening. With `port: 0` this is how tests learn the port. */
  address(): { host: string; port: number } | null {
    const address = this.netServer?.address();
    if (!address || typeof address === 'string') return null;
    return { host: (address as AddressInfo).address, port: address.port };
  }

  /**
   * Registers a direct receiver of payload batches (see the class comment for why it exists).
   * Returns a function that unregisters it. A handler that throws is logged and skipped; the
   * connection stays up.
   */
  onMessages(handler: MessagesHandler<T>): () => void {
    this.directHandlers.add(handler);
    return () => this.directHandlers.delete(handler);
  }

  /** Subscribes to an event of the underlying `net.Server`, now or once it exists. */
  on<
    EventKey extends keyof RaftTransportServerEvents = keyof RaftTransportServerEvents,
    EventCallback extends RaftTransportServerEvents[EventKey] = RaftTransportServerEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    const attach = (server: NetServer): void => void server.on(event, callback);
    this.listeners.push(attach);
    if (this.netServer) attach(this.netServer);
  }

  /** The underlying `net.Server`. Throws when not listening. */
  unwrap<S = NetServer>(): S {
    if (!this.netServer) throw new Error('RaftTransportServer is not listening; call listen() first');
    return this.netServer as S;
  }

  stats(): RaftTransportServerStats {
    return { connections: this.sessions.size, ...this.counters };
  }

  /** Creates and binds the `net.Server`; shared by concurrent `listen` calls via `starting`. */
  private bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(socket));
      for (const attach of this.listeners) attach(server);
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        server.on('error', (error) => this.log.error({ code: 'SERVER_ERROR', reason: error.message }, 'raft-transport: server error'));
        this.netServer = server;
        this._status$.next('listening');
        this.log.info({ self: this.sessionOptions.selfId, address: this.address() }, 'raft-transport: listening');
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    const session = new InboundSession<T>(socket, this.sessionOptions, {
      onMessages: (s, messages, wireBytes) => this.dispatchMessages(s, messages, wireBytes),
      onRequest: (s, request) => this.dispatchRequest(s, request),
      onEvent: (s, event) => this.dispatchEvent(s, event),
      onClosed: (s, reason) => this.onSessionClosed(s, reason),
    });
    this.sessions.add(session);
  }

  private onSessionClosed(session: InboundSession<T>, reason: TransportError | null): void {
    this.sessions.delete(session);
    if (reason && reason.code !== 'SOCKET_ERROR') this.counters.rejectedConnections++;
    this.notifyIfDrained();
  }

  /** Resolves a pending `close()` once the last inbound socket has reported closed. */
  private notifyIfDrained(): void {
    if (this.onSessionsDrained && this.sessions.size === 0) {
      const resolve = this.onSessionsDrained;
      this.onSessionsDrained = null;
      resolve();
    }
  }

  private dispatchMessages(session: InboundSession<T>, messages: T[], wireBytes: number): void {
    const from = session.peerId ?? '';
    this.counters.receivedFrames++;
    this.counters.receivedMessages += messages.length;
    this.counters.receivedBytes += wireBytes;
    for (const handler of this.directHandlers) {
      try {
        handler(messages, from);
      } catch (error: unknown) {
        this.log.error({ code: 'HANDLER_FAILED', peer: from, reason: describe(error) }, 'raft-transport: onMessages handler threw');
      }
    }
    if (this.messageHandlers.has(RAFT_MESSAGES_PATTERN)) {
      const context = new RaftTransportContext([from, RAFT_MESSAGES_PATTERN]);
      this.handleEvent(RAFT_MESSAGES_PATTERN, { pattern: RAFT_MESSAGES_PATTERN, data: messages }, context).catch((error: unknown) =>
        this.log.error({ code: 'HANDLER_FAILED', peer: from, reason: describe(error) }, 'raft-transport: raft.messages handler failed'),
      );
    }
  }

  private dispatchEvent(session: InboundSession<T>, event: EventBody): void {
    const from = session.peerId ?? '';
    if (!this.getHandlerByPattern(event.pattern)) {
      this.log.warn({ code: 'NO_EVENT_HANDLER', peer: from, pattern: event.pattern }, 'raft-transport: event without handler dropped');
      return;
    }
    const context = new RaftTransportContext([from, event.pattern]);
    this.handleEvent(event.pattern, { pattern: event.pattern, data: event.data }, context).catch((error: unknown) =>
      this.log.error({ code: 'HANDLER_FAILED', peer: from, reason: describe(error) }, 'raft-transport: event handler failed'),
    );
  }

  private dispatchRequest(session: InboundSession<T>, request: RequestBody): void {
    const { id } = request;
    const handler = this.getHandlerByPattern(request.pattern);
    if (!handler) {
      session.respond({ id, err: NO_MESSAGE_HANDLER_ERROR, isDisposed: true });
      return;
    }
    const context = new RaftTransportContext([session.peerId ?? '', request.pattern]);
    const respond = (packet: WritePacket<unknown>): void => {
      this.onProcessingEndHook?.(this.transportId ?? RAFT_TRANSPORT_ID, context);
      session.respond({
        id,
        response: packet.response,
        err: packet.err === undefined ? undefined : serializeError(packet.err),
        isDisposed: packet.isDisposed,
      });
    };
    // Catches its own failures: a custom processing hook may not return (or await) it.
    const run = async (): Promise<void> => {
      try {
        const result: unknown = await handler(request.data, context);
        this.send(this.transformToObservable(result), respond);
      } catch (error: unknown) {
        respond({ err: error, isDisposed: true });
      }
    };
    this.onProcessingStartHook(this.transportId ?? RAFT_TRANSPORT_ID, context, run);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
