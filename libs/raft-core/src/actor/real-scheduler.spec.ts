import { RealScheduler } from './real-scheduler';

describe('RealScheduler', () => {
  it('fires a timer after its delay on a monotonic clock and honours cancel', async () => {
    const s = new RealScheduler({ unref: true });
    const start = s.now();
    const fired: string[] = [];
    const cancel = s.schedule(5, () => fired.push('cancelled'));
    cancel();
    await new Promise<void>((resolve) => s.schedule(20, () => resolve()));
    expect(s.now() - start).toBeGreaterThanOrEqual(19);
    expect(fired).toEqual([]);
  });

  it('repeats until cancelled', async () => {
    const s = new RealScheduler({ unref: true });
    let count = 0;
    await new Promise<void>((resolve) => {
      const cancel = s.scheduleRepeating(2, () => {
        count++;
        if (count === 3) {
          cancel();
          resolve();
        }
      });
    });
    await new Promise<void>((resolve) => s.schedule(10, () => resolve()));
    expect(count).toBe(3);
  });
});
