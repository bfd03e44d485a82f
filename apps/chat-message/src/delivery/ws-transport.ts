import type { Transport } from './live-session';
import type { OutboundFrame } from './outbound-frame';
import type { Corkable, WriteBatch } from './write-batch';

/** Close codes (RFC 6455 private range) with a human-readable reason. */
export const WS_CLOSE = { unauthorized: 4401, badRequest: 4400, tooSlow: 4008, overloaded: 1013 } as const;

/** The parts of a `ws` WebSocket the transport uses. */
export interface PushSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

const OPEN = 1; // WebSocket.OPEN
/** The frames are JSON: text frames, although the payload is handed over as bytes. */
const TEXT = { binary: false } as const;

/**
 * A session's WebSocket: sends each frame's shared encoding (the same Buffer for every
 * socket in the same position), refuses a frame when the client's unsent backlog is over
 * the limit (the session then disconnects it with the reason), and batches the writes of
 * one tick into one syscall through the raw TCP socket.
 */
export class WsTransport implements Transport {
  readonly kind = 'ws' as const;

  /**
   * @param raw the TCP socket under the WebSocket (the upgraded request's socket)
   * @param maxBuffered bytes queued for the client above which it counts as too slow
   */
  constructor(
    private readonly socket: PushSocket,
    private readonly raw: Corkable,
    private readonly batch: WriteBatch,
    private readonly maxBuffered: number,
  ) {}

  send(frame: OutboundFrame): boolean {
    if (this.socket.readyState !== OPEN) return true;
    if (this.socket.bufferedAmount > this.maxBuffered) return false;
    this.batch.hold(this.raw);
    this.socket.send(frame.webSocket(), TEXT);
    return true;
  }

  close(reason: string): void {
    if (this.socket.readyState === OPEN) this.socket.close(WS_CLOSE.tooSlow, reason.slice(0, 120));
    // A client that stopped reading may never complete the closing handshake.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }
}
