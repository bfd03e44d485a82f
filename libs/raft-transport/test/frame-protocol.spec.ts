import fc from 'fast-check';
import { encodeFrame, FrameKind, FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from '../src';
import { decodeFrame } from '../src/protocol/frame-bodies';
import { encodeBatchFrame } from '../src/protocol/frame-encoder';
import { FrameSplitter, type RawFrame } from '../src/protocol/frame-splitter';
import { packValue } from '../src/protocol/msgpack';
import { isRaftMessage } from '../src/protocol/raft-message-guard';
import { everyMessageType, heartbeat, normalizeBytes } from './support/raft-messages';

function splitAll(stream: Buffer, cuts: number[], maxFrameBytes = 1 << 20): RawFrame[] {
  const splitter = new FrameSplitter(maxFrameBytes);
  const frames: RawFrame[] = [];
  let start = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < stream.length)].sort((x, y) => x - y).concat(stream.length)) {
    splitter.push(stream.subarray(start, cut), (f) => frames.push({ kind: f.kind, body: Buffer.from(f.body) }));
    start = cut;
  }
  return frames;
}

describe('frame format', () => {
  it('is [u32 BE length of kind+body][kind][msgpack body], byte for byte', () => {
    const frame = encodeFrame(FrameKind.Handshake, { v: 1, nodeId: 'n1', clusterId: 'c' });
    const body = packValue({ v: 1, nodeId: 'n1', clusterId: 'c' });
    expect(frame.readUInt32BE(0)).toBe(1 + body.length);
    expect(frame[4]).toBe(0x01);
    expect(frame.subarray(5)).toEqual(body);
    expect(frame.length).toBe(5 + body.length);
  });

  it('round-trips Uint8Array fields as bytes', () => {
    const data = Uint8Array.from([0, 1, 127, 128, 255]);
    const decoded = decodeFrame({ kind: FrameKind.Request, body: encodeFrame(FrameKind.Request, { id: 1, pattern: 'p', data }).subarray(5) }, isRaftMessage);
    expect(decoded.kind).toBe(FrameKind.Request);
    const payload = (decoded as { body: { data: unknown } }).body.data;
    expect(payload).toBeInstanceOf(Uint8Array);
    expect(Array.from(payload as Uint8Array)).toEqual([0, 1, 127, 128, 255]);
  });

  it('a batch framed around pre-encoded messages decodes exactly like the encoded array', () => {
    for (const count of [0, 1, 15, 16, 17, 65_535, 65_536]) {
      const messages = Array.from({ length: count }, (_, i) => heartbeat('a', 'b', i % 100));
      const items = messages.map((m) => packValue(m));
      const batch = encodeBatchFrame(items, items.reduce((n, b) => n + b.length, 0));
      expect(batch.readUInt32BE(0)).toBe(batch.length - 4);
      expect(batch[4]).toBe(FrameKind.Messages);
      const decoded = decodeFrame({ kind: batch[4], body: batch.subarray(5) }, isRaftMessage);
      // Compared as JSON: a deep toEqual over 65 536 objects costs seconds.
      expect(JSON.stringify(decoded)).toBe(JSON.stringify({ kind: FrameKind.Messages, messages }));
    }
  });

  it('carries every Raft message type through encode and decode', () => {
    const messages = everyMessageType('x', 'y');
    const frame = encodeFrame(FrameKind.Messages, messages);
    const decoded = decodeFrame({ kind: frame[4], body: frame.subarray(5) }, isRaftMessage);
    expect(normalizeBytes(decoded)).toEqual({ kind: FrameKind.Messages, messages: normalizeBytes(messages) });
  });
});

describe('FrameSplitter', () => {
  const frames = [
    encodeFrame(FrameKind.Handshake, { v: 1, nodeId: 'a', clusterId: 'c' }),
    encodeFrame(FrameKind.Messages, everyMessageType('a', 'b')),
    encodeFrame(FrameKind.Request, { id: 9, pattern: 'p', data: new Uint8Array(3000).fill(7) }),
    encodeFrame(FrameKind.Response, { id: 9, response: 'ok', isDisposed: true }),
  ];
  const stream = Buffer.concat(frames);

  it('yields the same frames however the stream is cut into chunks (seeded)', () => {
    const expected = frames.map((f) => ({ kind: f[4], body: f.subarray(5) }));
    const same = (actual: RawFrame[]): boolean =>
      actual.length === expected.length && actual.every((f, i) => f.kind === expected[i].kind && f.body.equals(expected[i].body));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 40 }), (cuts) => same(splitAll(stream, cuts))),
      { seed: 424242, numRuns: 300 },
    );
    // One byte at a time, the worst case.
    expect(same(splitAll(stream, Array.from({ length: stream.length }, (_, i) => i)))).toBe(true);
    expect(splitAll(stream, []).map((f) => f.kind)).toEqual([0x01, 0x02, 0x03, 0x04]);
  });

  it('refuses an oversized length prefix as soon as its 4 bytes arrive, before any body', () => {
    const splitter = new FrameSplitter(1024);
    const onFrame = jest.fn();
    splitter.push(Buffer.from([0x00, 0x00]), onFrame);
    expect(() => splitter.push(Buffer.from([0x04, 0x01]), onFrame)).toThrow(new FrameTooLargeError(1025, 1024));
    expect(onFrame).not.toHaveBeenCalled();
  });

  it('accepts a frame of exactly the maximum length', () => {
    const body = Buffer.alloc(1023, 0xc0);
    const frames: RawFrame[] = [];
    new FrameSplitter(1024).push(Buffer.concat([Buffer.from([0, 0, 4, 0, 0x02]), body]), (f) => frames.push(f));
    expect(frames).toHaveLength(1);
    expect(frames[0].body.length).toBe(1023);
  });

  it('refuses a zero length prefix', () => {
    expect(() => new FrameSplitter(1024).push(Buffer.alloc(4), jest.fn())).toThrow(MalformedFrameError);
  });

  it('reports a truncated frame at end of stream, and nothing after a clean end', () => {
    const splitter = new FrameSplitter(1 << 20);
    splitter.push(stream.subarray(0, frames[0].length + 10), jest.fn());
    expect(splitter.endOfStream()).toEqual(new TruncatedFrameError(10, frames[1].length));
    const clean = new FrameSplitter(1 << 20);
    clean.push(frames[0], jest.fn());
    expect(clean.endOfStream()).toBeNull();
    const partialPrefix = new FrameSplitter(1 << 20);
    partialPrefix.push(Buffer.from([0, 0]), jest.fn());
    expect(partialPrefix.endOfStream()?.code).toBe('TRUNCATED_FRAME');
  });

  it('stops delivering once halted, even mid-chunk', () => {
    const splitter = new FrameSplitter(1 << 20);
    const kinds: number[] = [];
    splitter.push(stream, (f) => {
      kinds.push(f.kind);
      splitter.halt();
    });
    expect(kinds).toEqual([FrameKind.Handshake]);
    expect(splitter.pendingBytes).toBe(0);
  });
});

describe('decodeFrame', () => {
  const raw = (kind: number, value: unknown): RawFrame => ({ kind, body: packValue(value) });

  it.each([
    ['unknown kind', { kind: 0x42, body: packValue([]) }, 'UNKNOWN_FRAME_KIND'],
    ['invalid msgpack', { kind: FrameKind.Messages, body: Buffer.from([0x92, 0x01]) }, 'MALFORMED_FRAME'],
    ['trailing bytes', { kind: FrameKind.Messages, body: Buffer.from([0x90, 0x90]) }, 'MALFORMED_FRAME'],
    ['messages not an array', raw(FrameKind.Messages, { a: 1 }), 'MALFORMED_FRAME'],
    ['a non-Raft element', raw(FrameKind.Messages, [heartbeat('a', 'b', 1), { type: 'heartbeat' }]), 'MALFORMED_FRAME'],
    ['handshake without node id', raw(FrameKind.Handshake, { v: 1, clusterId: 'c' }), 'MALFORMED_FRAME'],
    ['handshake with empty node id', raw(FrameKind.Handshake, { v: 1, nodeId: '', clusterId: 'c' }), 'MALFORMED_FRAME'],
    ['request with negative id', raw(FrameKind.Request, { id: -1, pattern: 'p' }), 'MALFORMED_FRAME'],
    ['request without pattern', raw(FrameKind.Request, { id: 1 }), 'MALFORMED_FRAME'],
    ['response with non-boolean isDisposed', raw(FrameKind.Response, { id: 1, isDisposed: 'yes' }), 'MALFORMED_FRAME'],
    ['event without pattern', raw(FrameKind.Event, { data: 1 }), 'MALFORMED_FRAME'],
  ])('rejects %s with %s', (_name, frame, code) => {
    expect(() => decodeFrame(frame, isRaftMessage)).toThrow(expect.objectContaining({ code }));
  });
});
