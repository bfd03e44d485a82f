/**
 * The byte after the length prefix. Values are part of the wire protocol: never renumber,
 * only add.
 */
export const FrameKind = {
  /** `{ v, nodeId, clusterId }` — first frame in each direction on every connection. */
  Handshake: 0x01,
  /** A msgpack array of payloads (Raft messages): the hot path. */
  Messages: 0x02,
  /** `{ id, pattern, data }` — a request that expects responses with the same id. */
  Request: 0x03,
  /** `{ id, response?, err?, isDisposed? }` — Nest's WritePacket plus the request id. */
  Response: 0x04,
  /** `{ pattern, data }` — a fire-and-forget Nest event other than the Raft batch. */
  Event: 0x05,
} as const;

export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

const KNOWN_KINDS: ReadonlySet<number> = new Set(Object.values(FrameKind));

/** True when `kind` is a frame kind of this protocol version. */
export function isKnownFrameKind(kind: number): kind is FrameKind {
  return KNOWN_KINDS.has(kind);
}

/** Bytes before the body: 4-byte big-endian length + 1 kind byte. */
export const FRAME_HEADER_BYTES = 5;
/** Bytes of the length prefix alone. */
export const LENGTH_PREFIX_BYTES = 4;
/**
 * Protocol version sent in the handshake; a peer with another version is refused. It covers
 * what the frames carry as well as the framing: v2 came with the binary KV command layout
 * in log entries (libs/raft-kv), which a v1 node would apply as rejected commands — its
 * state would silently diverge — so v1 and v2 nodes must not replicate to each other.
 */
export const PROTOCOL_VERSION = 2;
