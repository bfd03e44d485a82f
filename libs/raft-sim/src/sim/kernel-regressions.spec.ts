import { DEFAULT_WORKLOAD } from './config';
import { Simulator } from './simulator';

/**
 * Minimal reproductions of kernel bugs found by the simulator. Each asserts the correct
 * behaviour, so it fails until the kernel is fixed.
 */
describe('kernel regressions', () => {
  it('a follower whose whole inflight window of AppendEntries was lost catches up once the link heals', () => {
    // Found by seed 7 (3 nodes) in the liveness window and by crash/restart under load.
    const sim = new Simulator({ seed: 1, nodes: 3, workload: { ...DEFAULT_WORKLOAD, putRate: 0, readRate: 0 } });
    sim.calm();
    while (!sim.currentLeader()) sim.advance(1);
    sim.advance(20);
    const leader = sim.currentLeader()!;
    const follower = sim.nodes.find((n) => n !== leader)!;
    sim.network.cutOneWay(leader.id, follower.id); // leader→follower AppendEntries are lost
    for (let i = 0; i < 10; i++) {
      sim.workload.put(sim, leader); // 10 appends ≥ maxInflightMessages (8) in replicate state
      sim.advance(1);
    }
    sim.network.heal();
    sim.advance(1000);
    expect(follower.kernel!.status().commit).toBe(leader.kernel!.status().commit);
  });
});
