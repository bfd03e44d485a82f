import { DEFAULT_WORKLOAD } from '../sim/config';
import { Simulator } from '../sim/simulator';

const quiet = { ...DEFAULT_WORKLOAD, putRate: 0, readRate: 0 };

/**
 * A cluster of `nodes` for scripted scenarios: no random clients, faults off, and a leader
 * elected and settled (30 ticks after it appeared). Scenarios inject their own faults.
 */
export function calmClusterWithLeader(seed: number, nodes: number): Simulator {
  const sim = new Simulator({ seed, nodes, workload: quiet });
  sim.calm();
  for (let k = 0; k < 400 && !sim.currentLeader(); k++) sim.advance(1);
  sim.advance(30);
  return sim;
}
