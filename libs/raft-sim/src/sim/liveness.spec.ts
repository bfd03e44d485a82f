import { seedConfig } from './profiles';
import { Simulator } from './simulator';

jest.setTimeout(120_000);

/**
 * Liveness, checked apart from safety: after a stretch of chaos, every fault stops (all
 * servers up, network healed, no loss, delay ≤ 2 ticks). A leader known to every server
 * must then appear within a few election timeouts, and a put sent to it must commit.
 */
describe('liveness after faults end', () => {
  const cases: [number, number][] = [];
  for (const nodes of [3, 5]) for (let seed = 1; seed <= 20; seed++) cases.push([seed, nodes]);

  it.each(cases)('seed %i, %i nodes: elects a leader and commits once the network is calm', (seed, nodes) => {
    const sim = new Simulator(seedConfig(seed, nodes));
    sim.run(1000);
    const T = sim.config.electionTicks;
    // Bounds: a stale PreVote/CheckQuorum cycle can cost ~2 timeouts; split votes a few more.
    const report = sim.checkLiveness(8 * T, 4 * T);
    expect(report.electedAfter).toBeLessThanOrEqual(8 * T);
    expect(report.committedAfter).toBeLessThanOrEqual(4 * T);
    // Chaos resumes and safety still holds afterwards.
    expect(sim.run(300).ticks).toBe(1000 + report.electedAfter + report.committedAfter + 300);
  });
});
