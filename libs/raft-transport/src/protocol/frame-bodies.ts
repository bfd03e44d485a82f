import { MalformedFrameError, UnknownFrameKindError } from '../errors';
import { FrameKind, isKnownFrameKind } from './frame-kind';
import type { RawFrame } from './frame-splitter';
import { unpackValue } from './msgpack';

/** First frame in each direction. */
export interface HandshakeBody {
  /** Protocol version; see `PROTOCOL_VERSION`. */
  readonly v: number;
  readonly nodeId: string;
  readonly clusterId: string;
}

/** A request expecting one or more responses carrying the same `id`. */
export interface RequestBody {
  readonly id: number;
  /** The normalised Nest pattern (a string route). */
  readonly pattern: string;
  readonly data: unknown;
}

/** A response: Nest's `WritePacket` fields plus the request id. */
export interface ResponseBody {
  readonly id: number;
  readonly response?: unknown;
  readonly err?: unknown;
  readonly isDisposed?: boolean;
}

/** A fire-and-forget event for a Nest `@EventPattern` handler. */
export interface EventBody {
  readonly pattern: string;
  readonly data: unknown;
}

/** Narrows an unknown decoded value to the payload type a transport carries. */
export type PayloadGuard<T> = (value: unknown) => value is T;

/** A frame after decoding and shape validation. */
export type DecodedFrame<T> =
  | { readonly kind: typeof FrameKind.Handshake; readonly body: HandshakeBody }
  | { readonly kind: typeof FrameKind.Messages; readonly messages: T[] }
  | { readonly kind: typeof FrameKind.Request; readonly body: RequestBody }
  | { readonly kind: typeof FrameKind.Response; readonly body: ResponseBody }
  | { readonly kind: typeof FrameKind.Event; readonly body: EventBody };

/**
 * Decodes and validates a raw frame. Throws {@link UnknownFrameKindError} for a kind this
 * version does not know and {@link MalformedFrameError} for a body that is not msgpack or
 * not of the shape its kind requires — the caller closes the connection either way.
 */
export function decodeFrame<T>(raw: RawFrame, isPayload: PayloadGuard<T>): DecodedFrame<T> {
  if (!isKnownFrameKind(raw.kind)) throw new UnknownFrameKindError(raw.kind);
  const value = unpackBody(raw.body);
  switch (raw.kind) {
    case FrameKind.Handshake:
      return { kind: raw.kind, body: requireHandshake(value) };
    case FrameKind.Messages:
      return { kind: raw.kind, messages: requirePayloads(value, isPayload) };
    case FrameKind.Request:
      return { kind: raw.kind, body: requireRequest(value) };
    case FrameKind.Response:
      return { kind: raw.kind, body: requireResponse(value) };
    case FrameKind.Event:
      return { kind: raw.kind, body: requireEvent(value) };
  }
}

function unpackBody(body: Buffer): unknown {
  try {
    return unpackValue(body);
  } catch (error: unknown) {
    throw new MalformedFrameError(`body is not valid msgpack: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function requireHandshake(value: unknown): HandshakeBody {
  if (
    isRecord(value) &&
    typeof value['v'] === 'number' &&
    typeof value['nodeId'] === 'string' &&
    value['nodeId'].length > 0 &&
    typeof value['clusterId'] === 'string'
  ) {
    return { v: value['v'], nodeId: value['nodeId'], clusterId: value['clusterId'] };
  }
  throw new MalformedFrameError('handshake body must be { v: number, nodeId: string, clusterId: string }');
}

function requirePayloads<T>(value: unknown, isPayload: PayloadGuard<T>): T[] {
  if (!Array.isArray(value)) throw new MalformedFrameError('messages body must be an array');
  for (let i = 0; i < value.length; i++) {
    if (!isPayload(value[i])) throw new MalformedFrameError(`messages[${i}] is not a valid message`);
  }
  return value as T[];
}

function requireRequest(value: unknown): RequestBody {
  if (isRecord(value) && isRequestId(value['id']) && typeof value['pattern'] === 'string') {
    return { id: value['id'], pattern: value['pattern'], data: value['data'] };
  }
  throw new MalformedFrameError('request body must be { id: number, pattern: string, data }');
}

function requireResponse(value: unknown): ResponseBody {
  if (isRecord(value) && isRequestId(value['id'])) {
    const isDisposed = value['isDisposed'];
    if (isDisposed === undefined || typeof isDisposed === 'boolean') {
      return { id: value['id'], response: value['response'], err: value['err'], isDisposed };
    }
  }
  throw new MalformedFrameError('response body must be { id: number, response?, err?, isDisposed?: boolean }');
}

function requireEvent(value: unknown): EventBody {
  if (isRecord(value) && typeof value['pattern'] === 'string') {
    return { pattern: value['pattern'], data: value['data'] };
  }
  throw new MalformedFrameError('event body must be { pattern: string, data }');
}
