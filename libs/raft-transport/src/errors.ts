/**
 * Typed errors of the transport. Every error carries a stable, machine-readable `code`;
 * log lines about closed connections carry the same code so operators can alert on it.
 */
export abstract class TransportError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A frame's length prefix exceeds the configured maximum (or is smaller than a frame can be). */
export class FrameTooLargeError extends TransportError {
  readonly code = 'FRAME_TOO_LARGE';
  constructor(
    readonly length: number,
    readonly maxFrameBytes: number,
  ) {
    super(`frame length ${length} exceeds the maximum of ${maxFrameBytes} bytes`);
  }
}

/** A frame's body is not valid msgpack or does not have the shape its kind requires. */
export class MalformedFrameError extends TransportError {
  readonly code = 'MALFORMED_FRAME';
}

/** A frame's kind byte is not one this protocol version knows. */
export class UnknownFrameKindError extends TransportError {
  readonly code = 'UNKNOWN_FRAME_KIND';
  constructor(readonly kind: number) {
    super(`unknown frame kind 0x${kind.toString(16).padStart(2, '0')}`);
  }
}

/** The connection ended in the middle of a frame. */
export class TruncatedFrameError extends TransportError {
  readonly code = 'TRUNCATED_FRAME';
  constructor(
    readonly received: number,
    readonly expected: number,
  ) {
    super(`connection closed mid-frame after ${received} of ${expected} bytes`);
  }
}

/** A frame arrived that the connection's state does not allow (e.g. anything before the handshake). */
export class ProtocolViolationError extends TransportError {
  readonly code = 'PROTOCOL_VIOLATION';
}

/** The peer's handshake names a different cluster. */
export class ClusterMismatchError extends TransportError {
  readonly code = 'CLUSTER_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`peer belongs to cluster "${actual}", expected "${expected}"`);
  }
}

/** The server we dialled answered with a different node id than the one we meant to reach. */
export class UnexpectedPeerError extends TransportError {
  readonly code = 'UNEXPECTED_PEER';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`dialled node "${expected}" but "${actual}" answered`);
  }
}

/** The handshake did not complete in time. */
export class HandshakeTimeoutError extends TransportError {
  readonly code = 'HANDSHAKE_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`handshake not completed within ${timeoutMs} ms`);
  }
}

/** The socket reported an error (reset, refused, …). */
export class SocketError extends TransportError {
  readonly code = 'SOCKET_ERROR';
  constructor(override readonly cause: Error) {
    super(`socket error: ${cause.message}`);
  }
}

/** A single message is too large to fit in any frame; it is dropped. */
export class MessageTooLargeError extends TransportError {
  readonly code = 'MESSAGE_TOO_LARGE';
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`encoded message of ${size} bytes cannot fit in a frame of at most ${maxBytes} bytes`);
  }
}

/** A request was in flight when its connection was lost; it may or may not have been handled. */
export class ConnectionLostError extends TransportError {
  readonly code = 'CONNECTION_LOST';
}

/** The client or server was closed; pending work is abandoned. */
export class TransportClosedError extends TransportError {
  readonly code = 'TRANSPORT_CLOSED';
}

/** The request queue is full; the request was not sent. */
export class RequestQueueFullError extends TransportError {
  readonly code = 'REQUEST_QUEUE_FULL';
}

/** Options that cannot work together (non-positive bounds, unknown peer, …). */
export class InvalidTransportOptionsError extends TransportError {
  readonly code = 'INVALID_OPTIONS';
}
