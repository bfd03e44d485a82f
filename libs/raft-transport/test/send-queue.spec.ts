import { SendQueue } from '../src/client/send-queue';

const item = (size: number, tag = 0): Buffer => Buffer.alloc(size, tag);

describe('SendQueue', () => {
  it('drop-newest refuses messages beyond the count bound and keeps the oldest', () => {
    const queue = new SendQueue(3, 1_000, 'drop-newest');
    expect([1, 2, 3, 4, 5].map((t) => queue.offer(item(10, t)))).toEqual([0, 0, 0, 1, 1]);
    expect(queue.refusesNew).toBe(true);
    expect(queue.length).toBe(3);
    expect(queue.byteLength).toBe(30);
    expect(queue.takeBatch(1_000)!.items.map((b) => b[0])).toEqual([1, 2, 3]);
  });

  it('drop-newest refuses messages beyond the byte bound', () => {
    const queue = new SendQueue(100, 25, 'drop-newest');
    expect([queue.offer(item(10)), queue.offer(item(10)), queue.offer(item(10)), queue.offer(item(5))]).toEqual([0, 0, 1, 0]);
    expect(queue.byteLength).toBe(25);
  });

  it('drop-oldest evicts from the head until the new message fits', () => {
    const queue = new SendQueue(10, 30, 'drop-oldest');
    [1, 2, 3].forEach((t) => queue.offer(item(10, t)));
    expect(queue.offer(item(20, 4))).toBe(2);
    expect(queue.length).toBe(2);
    expect(queue.byteLength).toBe(30);
    expect(queue.refusesNew).toBe(false);
    expect(queue.takeBatch(1_000)!.items.map((b) => b[0])).toEqual([3, 4]);
  });

  it('drops a single message larger than the byte bound under either policy', () => {
    expect(new SendQueue(10, 30, 'drop-oldest').offer(item(31))).toBe(1);
    expect(new SendQueue(10, 30, 'drop-newest').offer(item(31))).toBe(1);
  });

  it('takes the longest prefix that fits in a frame, accounting for kind byte and array header', () => {
    const queue = new SendQueue(100, 10_000, 'drop-newest');
    for (let i = 0; i < 20; i++) queue.offer(item(10, i));
    // frame length = 1 (kind) + header (1 below 16 items, 3 from 16) + 10 per item
    expect(queue.takeBatch(1 + 1 + 150)!.items).toHaveLength(15);
    expect(queue.takeBatch(1 + 1 + 49)!.items.map((b) => b[0])).toEqual([15, 16, 17, 18]);
    expect(queue.takeBatch(10_000)).toEqual({ items: [item(10, 19)], bytes: 10 });
    expect(queue.takeBatch(10_000)).toBeNull();
    expect(queue.byteLength).toBe(0);
  });

  it('stays consistent across many offer/take cycles (compaction)', () => {
    const queue = new SendQueue(100_000, 1 << 20, 'drop-newest');
    let offered = 0;
    let dropped = 0;
    const taken: number[] = [];
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3_000; i++) dropped += queue.offer(item(4, offered++ % 256));
      for (const b of queue.takeBatch(1 + 5 + 4 * 2_500)!.items) taken.push(b[0]);
    }
    // Expectations once at the end: a per-item expect() would dominate the runtime.
    expect(dropped).toBe(0);
    expect(taken).toEqual(Array.from({ length: 50 * 2_500 }, (_, i) => i % 256));
    expect(queue.length).toBe(50 * 500);
    expect(queue.byteLength).toBe(queue.length * 4);
  });
});
