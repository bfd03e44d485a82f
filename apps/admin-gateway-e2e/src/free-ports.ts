import { ClusterHarness } from '@raft/cluster-testing';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A cluster harness whose port block is free right now. The harness derives its base port
 * from the process id, so two test processes can collide (several engineers run e2e suites
 * on one machine); a busy block is skipped by constructing the next harness.
 */
export async function harnessOnFreePorts(nodes: number, env: Record<string, string>, extraOffsets: number[]): Promise<ClusterHarness> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const h = new ClusterHarness(nodes, env);
    const offsets = [...Array.from({ length: 9 }, (_, i) => [i + 1, i + 101]).flat(), ...extraOffsets];
    const free = await Promise.all(offsets.map((o) => portFree(h.basePort + o)));
    if (free.every(Boolean)) return h;
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  throw new Error('no free port block for a test cluster');
}
