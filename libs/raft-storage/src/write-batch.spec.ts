import type { Entry } from '@raft/raft-core';
import { decodePayload, encodeEntryInto, encodeHardState, entryEncodedSize, RECORD_HEADER_BYTES, RecordType, segmentFraming } from './records';
import { WriteBatch } from './write-batch';

const entry = (index: number, data: string): Entry => ({ index, term: 2, type: 'normal', data: Buffer.from(data) });

/** Encodes `entries` back to back into `buf` at `at`; returns the bytes taken. */
function stage(buf: Buffer, at: number, entries: readonly Entry[]): number {
  let off = at;
  for (const e of entries) off += encodeEntryInto(e, buf, off);
  return off - at;
}

/** Splits written buffers into records and decodes them (format 2), checking each CRC through the scanner's rules. */
function records(chunks: readonly Buffer[]): { type: number; indexes?: number[]; tag: number }[] {
  const all = Buffer.concat(chunks);
  const out: { type: number; indexes?: number[]; tag: number }[] = [];
  for (let off = 0; off < all.length; ) {
    const end = off + RECORD_HEADER_BYTES + all.readUInt32BE(off);
    const rec = decodePayload(all[off + 4]!, all.subarray(off + RECORD_HEADER_BYTES, end), 2);
    out.push({ type: rec.type, tag: all.readUInt32BE(off + 9), ...(rec.type === RecordType.Entry ? { indexes: rec.entries.map((e) => e.index) } : {}) });
    off = end;
  }
  return out;
}

describe('WriteBatch', () => {
  const one = segmentFraming(1);
  const two = segmentFraming(2);

  it('makes each run of contiguous staged entries one record (one CRC), written from the staging buffer itself', () => {
    const staging = Buffer.alloc(4096);
    const batch = new WriteBatch(one);
    let at = 0;
    for (const es of [[entry(1, 'a'), entry(2, 'bb')], [entry(3, 'ccc')]]) {
      const n = stage(staging, at, es);
      batch.addEntries(staging, at, n); // contiguous: one run
      at += n;
    }
    const hard = encodeHardState({ term: 2, vote: 'n1', commit: 3 }, one);
    batch.addChunk(hard); // a record of its own ends the run
    const n = stage(staging, at, [entry(4, 'dddd')]);
    batch.addEntries(staging, at, n);
    const chunks = batch.take(one);
    expect(chunks).toHaveLength(5); // header + run, hard state, header + run
    expect(chunks[1]!.buffer).toBe(staging.buffer); // a view, not a copy
    expect(records(chunks)).toEqual([
      { type: RecordType.Entry, indexes: [1, 2, 3], tag: one.tag },
      { type: RecordType.HardState, tag: one.tag },
      { type: RecordType.Entry, indexes: [4], tag: one.tag },
    ]);
    const size = [entry(1, 'a'), entry(2, 'bb'), entry(3, 'ccc'), entry(4, 'dddd')].reduce((s, e) => s + entryEncodedSize(e), 0);
    expect(batch.bytes).toBe(size + 2 * RECORD_HEADER_BYTES + hard.length);
    expect(Buffer.concat(chunks).length).toBe(batch.bytes);
  });

  it('does not join entries that are not contiguous, or that are in different buffers', () => {
    const a = Buffer.alloc(256);
    const b = Buffer.alloc(256);
    const batch = new WriteBatch(one);
    batch.addEntries(a, 0, stage(a, 0, [entry(1, 'x')]));
    batch.addEntries(a, 100, stage(a, 100, [entry(2, 'y')])); // a hole between
    batch.addEntries(b, 0, stage(b, 0, [entry(3, 'z')])); // another buffer
    expect(records(batch.take(one)).map((r) => r.indexes)).toEqual([[1], [2], [3]]);
    expect(batch.bytes).toBe(3 * (RECORD_HEADER_BYTES + entryEncodedSize(entry(1, 'x'))));
  });

  it('frames everything for the segment it is written to: records encoded for an earlier one are re-framed', () => {
    const staging = Buffer.alloc(256);
    const batch = new WriteBatch(one); // saved while segment 1 was active
    batch.addEntries(staging, 0, stage(staging, 0, [entry(7, 'q')]));
    batch.addChunk(encodeHardState({ term: 2, vote: null, commit: 7 }, one));
    const out = records(batch.take(two)); // the write started segment 2 first
    expect(out.map((r) => r.tag)).toEqual([two.tag, two.tag]);
  });

  it('hands every save the same promise, settled once for the whole write', async () => {
    const ok = new WriteBatch(one);
    ok.resolve();
    await expect(ok.done).resolves.toBeUndefined();
    const failed = new WriteBatch(one);
    const error = new Error('EIO');
    failed.reject(error);
    await expect(failed.done).rejects.toBe(error);
  });
});
