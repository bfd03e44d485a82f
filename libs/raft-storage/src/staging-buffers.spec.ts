import { StagingBuffers } from './staging-buffers';

/** A reserved region as a view, to fill and inspect. */
function take(staging: StagingBuffers, bytes: number): Buffer {
  const at = staging.reserve(bytes);
  return staging.region.subarray(at, at + bytes);
}

describe('StagingBuffers', () => {
  it('hands out disjoint regions for one write, and never a region of the write in flight', () => {
    const staging = new StagingBuffers(100);
    const first = [take(staging, 40), take(staging, 40)];
    first.forEach((r, i) => r.fill(i + 1));
    staging.startWrite(); // `first` is being written
    const second = [take(staging, 60), take(staging, 30)];
    second.forEach((r) => r.fill(9));
    expect(first.map((r) => [...new Set(r)])).toEqual([[1], [2]]);
    staging.startWrite(); // `first`'s write returned: its buffer is reused
    const third = take(staging, 40);
    expect(third.buffer).toBe(first[0]!.buffer);
    third.fill(7);
    expect([...new Set(second[0])]).toEqual([9]);
  });

  it('starts a new buffer when the current one is full, and gives large requests their own', () => {
    const staging = new StagingBuffers(100);
    const a = take(staging, 80);
    const b = take(staging, 30);
    expect(b.buffer).not.toBe(a.buffer);
    const big = take(staging, 1000);
    expect(big.length).toBe(1000);
    expect(big.buffer).not.toBe(b.buffer);
    expect(take(staging, 10).buffer).toBe(b.buffer);
  });

  it('reserve hands out back-to-back offsets in one region, so a batch can write them as one view', () => {
    const staging = new StagingBuffers(100);
    const a = staging.reserve(30);
    const region = staging.region;
    const b = staging.reserve(50);
    expect([a, b]).toEqual([0, 30]);
    expect(staging.region).toBe(region);
    expect(staging.reserve(40)).toBe(0); // did not fit: a new buffer
    expect(staging.region).not.toBe(region);
  });
});
