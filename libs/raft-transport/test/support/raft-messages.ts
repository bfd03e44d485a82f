import type { Entry, Message, SnapshotMeta } from '@raft/raft-core';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

const meta: SnapshotMeta = { index: 40, term: 3, config: { voters: ['a', 'b', 'c'], learners: ['d'], outgoing: ['a', 'b', 'e'] } };

const entries: Entry[] = [
  { index: 11, term: 2, type: 'noop', data: new Uint8Array(0) },
  { index: 12, term: 2, type: 'normal', data: bytes(0, 1, 2, 253, 254, 255) },
  { index: 13, term: 3, type: 'config', data: new TextEncoder().encode('{"voters":["a","b"]}') },
];

/** One message of every Raft type, from `from` to `to`, with binary fields and nested entries. */
export function everyMessageType(from: string, to: string): Message[] {
  return [
    { type: 'vote', from, to, term: 5, pre: true, lastLogIndex: 13, lastLogTerm: 3, transfer: false },
    { type: 'voteResp', from, to, term: 5, pre: false, granted: true },
    { type: 'app', from, to, term: 3, prevIndex: 10, prevTerm: 2, entries, commit: 9 },
    { type: 'app', from, to, term: 3, prevIndex: 13, prevTerm: 3, entries: [], commit: 13 },
    { type: 'appResp', from, to, term: 3, success: false, index: 10, hintIndex: 8, hintTerm: 1 },
    { type: 'heartbeat', from, to, term: 3, commit: 13, seq: 77 },
    { type: 'heartbeatResp', from, to, term: 3, seq: 77 },
    { type: 'snap', from, to, term: 3, meta, offset: 4096, data: bytes(...Array.from({ length: 300 }, (_, i) => i % 256)), done: false },
    { type: 'snapResp', from, to, term: 3, meta, nextOffset: 4396, done: false, rejected: true },
    { type: 'timeoutNow', from, to, term: 3 },
    { type: 'readIndex', from, to, term: 3, ctx: 'read-1' },
    { type: 'readIndexResp', from, to, term: 3, ctx: 'read-1', index: -1 },
    { type: 'propose', from, to, term: 3, entries: [{ type: 'normal', data: bytes(9, 8, 7) }, { type: 'config', data: new Uint8Array(0) }] },
    { type: 'removed', from, to, term: 3, configIndex: 12 },
  ];
}

/**
 * Rebuilds `value` with every `Uint8Array` (including Node `Buffer`s, which msgpackr decodes
 * binary into) as a plain `Uint8Array`, so `toEqual` compares bytes and not classes.
 */
export function normalizeBytes<V>(value: V): V {
  if (value instanceof Uint8Array) return Uint8Array.from(value) as V;
  if (Array.isArray(value)) return value.map((v: unknown) => normalizeBytes(v)) as V;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeBytes(v)])) as V;
  }
  return value;
}

/** A heartbeat; every field fixed-width in msgpack so all copies encode to the same size. */
export function heartbeat(from: string, to: string, seq: number): Message {
  return { type: 'heartbeat', from, to, term: 1, commit: 0, seq };
}

/** AppendEntries carrying `count` entries of `entryBytes` bytes each. */
export function appendWithEntries(from: string, to: string, firstIndex: number, count: number, entryBytes: number): Message {
  const data = new Uint8Array(entryBytes).fill(0x61);
  const list: Entry[] = [];
  for (let i = 0; i < count; i++) list.push({ index: firstIndex + i, term: 1, type: 'normal', data });
  return { type: 'app', from, to, term: 1, prevIndex: firstIndex - 1, prevTerm: 1, entries: list, commit: firstIndex - 1 };
}
