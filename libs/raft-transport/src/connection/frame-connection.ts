import type { Socket } from 'node:net';
import { SocketError, TransportError } from '../errors';
import type { TransportLogger } from '../logger';
import { decodeFrame, type DecodedFrame, type PayloadGuard } from '../protocol/frame-bodies';
import { FRAME_HEADER_BYTES } from '../protocol/frame-kind';
import { FrameSplitter } from '../protocol/frame-splitter';

/** Settings of one framed connection. */
export interface FrameConnectionOptions<T> {
  readonly maxFrameBytes: number;
  readonly isPayload: PayloadGuard<T>;
  readonly logger: TransportLogger;
  /** Merged into every log line: direction, local node, remote address, peer id once known. */
  readonly context: Record<string, unknown>;
}

/** What the owner of a connection (server session or client) reacts to. */
export interface FrameConnectionHandlers<T> {
  /** A decoded, validated frame; `wireBytes` counts its prefix, kind and body. Throwing a
   * {@link TransportError} closes the connection with that error as the logged reason. */
  onFrame(frame: DecodedFrame<T>, wireBytes: number): void;
  /** The socket is gone; `reason` is the fault that closed it, if any. Called exactly once. */
  onClose(reason: TransportError | null): void;
}

/**
 * A TCP socket speaking the frame protocol. It owns every failure mode of the byte stream:
 * a bad length prefix, an undecodable or ill-shaped body, an unknown kind, a truncated
 * frame or a socket error closes this connection only, logs a reason with a stable `code`,
 * and never throws out of an event handler (which would take the process down).
 */
export class FrameConnection<T> {
  private readonly splitter: FrameSplitter;
  private readonly context: Record<string, unknown>;
  private closeReason: TransportError | null = null;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly options: FrameConnectionOptions<T>,
    private readonly handlers: FrameConnectionHandlers<T>,
  ) {
    this.splitter = new FrameSplitter(options.maxFrameBytes);
    this.context = { ...options.context };
    // Raft messages are small and latency-bound; batching happens in our queue, not in Nagle.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: Error) => this.onSocketError(error));
    socket.on('close', () => this.onSocketClose());
  }

  /** False once the socket is closing or closed. */
  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Adds fields to the log context (e.g. the peer id learnt from the handshake). */
  annotate(fields: Record<string, unknown>): void {
    Object.assign(this.context, fields);
  }

  /** Writes one encoded frame. Returns the socket's backpressure signal: false = wait for 'drain'. */
  write(frame: Buffer): boolean {
    if (!this.isOpen) return false;
    return this.socket.write(frame);
  }

  /** Closes the connection because of `error`, logging it as a warning with its code. */
  fail(error: TransportError): void {
    if (this.closed) return;
    this.options.logger.warn(
      { ...this.context, code: error.code, reason: error.message },
      `raft-transport: closing connection: ${error.message}`,
    );
    this.closeReason = error;
    this.close();
  }

  /** Closes the connection without logging (orderly shutdown). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.splitter.halt();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      this.splitter.push(chunk, (raw) => {
        if (this.closed) return;
        const frame = decodeFrame(raw, this.options.isPayload);
        this.handlers.onFrame(frame, FRAME_HEADER_BYTES + raw.body.length);
      });
    } catch (error: unknown) {
      if (error instanceof TransportError) {
        this.fail(error);
      } else {
        this.options.logger.error(
          { ...this.context, code: 'INTERNAL', reason: error instanceof Error ? error.message : String(error) },
          'raft-transport: unexpected error while handling a frame; closing connection',
        );
        this.close();
      }
    }
  }

  private onEnd(): void {
    const truncated = this.splitter.endOfStream();
    if (truncated) this.fail(truncated);
  }

  private onSocketError(error: Error): void {
    if (this.closed) return;
    // Resets and refusals are routine when peers restart: info, not warn.
    const socketError = new SocketError(error);
    this.options.logger.info(
      { ...this.context, code: socketError.code, reason: error.message, errno: (error as NodeJS.ErrnoException).code },
      'raft-transport: socket error',
    );
    this.closeReason = socketError;
  }

  private onSocketClose(): void {
    this.closed = true;
    this.splitter.halt();
    this.handlers.onClose(this.closeReason);
  }
}
