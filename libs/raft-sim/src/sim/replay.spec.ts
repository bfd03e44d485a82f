import { seedConfig } from './profiles';
import { Simulator } from './simulator';

describe('replay', () => {
  it.each([
    [7, 3],
    [8, 5],
  ])('seed %i on %i nodes reproduces an identical trace twice', (seed, nodes) => {
    const run = () => {
      const sim = new Simulator({ ...seedConfig(seed, nodes), recordFullTrace: true });
      const result = sim.run(1500);
      return { result, trace: sim.trace.fullTrace() };
    };
    const first = run();
    const second = run();
    expect(first.trace.length).toBeGreaterThan(1000);
    expect(second.trace).toEqual(first.trace);
    expect(second.result).toEqual(first.result);
  });

  it('different seeds produce different traces', () => {
    const a = new Simulator(seedConfig(11, 3)).run(500);
    const b = new Simulator(seedConfig(13, 3)).run(500);
    expect(a.traceDigest).not.toBe(b.traceDigest);
  });
});
