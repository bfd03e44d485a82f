import { RevisionTracker } from './revision-tracker';

describe('RevisionTracker', () => {
  it('advances the watermark only over a completed prefix', () => {
    const t = new RevisionTracker(10);
    const c11 = t.begin(11);
    const c12 = t.begin(12);
    const c15 = t.begin(15);
    expect(t.watermark).toBe(10);
    c12();
    expect(t.watermark).toBe(10); // 11 is still in flight
    c15();
    expect(t.watermark).toBe(10);
    c11();
    expect(t.watermark).toBe(15);
    expect(t.inFlight).toBe(0);
  });

  it('refuses revisions that go backwards', () => {
    const t = new RevisionTracker(5);
    t.begin(7);
    expect(() => t.begin(6)).toThrow('revision 6 begun after 7');
  });

  it('keeps working over many events (internal compaction)', () => {
    const t = new RevisionTracker(0);
    const done = Array.from({ length: 5000 }, (_, i) => t.begin(i + 1));
    for (const d of done.reverse()) d();
    expect(t.watermark).toBe(5000);
    expect(t.inFlight).toBe(0);
  });
});
