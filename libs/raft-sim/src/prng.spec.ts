import { Prng } from './prng';

describe('Prng', () => {
  it('produces the same sequence for the same seed and a different one for another seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 8 }, () => a.nextU32());
    const seqB = Array.from({ length: 8 }, () => b.nextU32());
    const seqC = Array.from({ length: 8 }, () => c.nextU32());
    expect(seqB).toEqual(seqA);
    expect(seqC).not.toEqual(seqA);
  });

  it('keeps nextInt within [0, bound) and covers every value of a small range', () => {
    const r = new Prng(7);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[r.nextInt(5)]!++;
    expect(counts.every((n) => n > 850 && n < 1150)).toBe(true);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(5000);
  });

  it('between is inclusive on both ends', () => {
    const r = new Prng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.between(3, 5));
    expect([...seen].sort()).toEqual([3, 4, 5]);
  });

  it('rejects a non-positive bound', () => {
    expect(() => new Prng(1).nextInt(0)).toThrow(RangeError);
  });

  it('shuffles into a permutation and forks deterministic independent streams', () => {
    const r = new Prng(9);
    expect(r.shuffled([1, 2, 3, 4, 5, 6]).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const f1 = new Prng(5).fork();
    const f2 = new Prng(5).fork();
    expect(f1.nextU32()).toBe(f2.nextU32());
  });
});
