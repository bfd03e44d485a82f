import { segmentFraming } from './records';
import { WriteBatch } from './write-batch';

describe('WriteBatch', () => {
  it('keeps records in order; contiguous regions of one buffer become one view', () => {
    const staging = Buffer.from('aaaabbbbccccdddd');
    const own = Buffer.from('XY');
    const batch = new WriteBatch(segmentFraming(1));
    batch.addRegion(staging, 0, 4);
    batch.addRegion(staging, 4, 4); // contiguous: same run
    batch.addChunk(own); // a record of its own ends the run
    batch.addRegion(staging, 8, 4);
    batch.addRegion(staging, 12, 4);
    const chunks = batch.take();
    expect(chunks.map((c) => c.toString())).toEqual(['aaaabbbb', 'XY', 'ccccdddd']);
    expect(chunks[0]!.buffer).toBe(staging.buffer); // a view, not a copy
    expect(batch.bytes).toBe(18);
  });

  it('does not join regions that are not contiguous, or that are in different buffers', () => {
    const a = Buffer.from('0123456789');
    const b = Buffer.from('abcdef');
    const batch = new WriteBatch(segmentFraming(1));
    batch.addRegion(a, 0, 2);
    batch.addRegion(a, 4, 2); // a hole between
    batch.addRegion(b, 0, 3); // another buffer
    batch.addRegion(b, 3, 3);
    expect(batch.take().map((c) => c.toString())).toEqual(['01', '45', 'abcdef']);
  });

  it('hands every save the same promise, settled once for the whole write', async () => {
    const ok = new WriteBatch(segmentFraming(1));
    ok.resolve();
    await expect(ok.done).resolves.toBeUndefined();
    const failed = new WriteBatch(segmentFraming(1));
    const error = new Error('EIO');
    failed.reject(error);
    await expect(failed.done).rejects.toBe(error);
  });
});
