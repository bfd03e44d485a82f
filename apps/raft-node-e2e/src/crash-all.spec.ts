import { ClusterHarness, sleep } from '@raft/cluster-testing';

describe('raft-node cluster: kill -9 of every node loses no acknowledged write', () => {
  const c = new ClusterHarness(3);
  beforeAll(() => c.start());
  afterAll(() => c.stop());

  it('every acknowledged write is present after a full crash and restart; nothing is half-applied', async () => {
    const acked = new Map<string, string>();
    let stop = false;
    const writers = [0, 1, 2, 3].map(async (w) => {
      for (let i = 0; !stop; i++) {
        const key = `crash/${w}/${i}`;
        try {
          const r = await c.request(c.ids()[i % 3]!, 'POST', `/v1/kv/${encodeURIComponent(`counter/${w}`)}/incr`, { delta: 1, clientId: `cw${w}`, requestId: `i${i}` }, 2000);
          const p = await c.request(c.ids()[i % 3]!, 'PUT', `/v1/kv/${encodeURIComponent(key)}`, { value: String(i), clientId: `pw${w}`, requestId: `p${i}` }, 2000);
          if (r.status === 200 && p.status === 200) acked.set(key, String(i));
          if (r.status === 200) acked.set(`counter/${w}#${i}`, String(r.body['value']));
        } catch {
          return; // the cluster is being killed
        }
      }
    });
    await sleep(1500);
    for (const id of c.ids()) await c.cli('kill', id);
    stop = true;
    await Promise.all(writers);
    expect(acked.size).toBeGreaterThan(10);
    for (const id of c.ids()) await c.cli('restart', id);
    const leader = await c.waitForLeader();
    for (const [key, value] of acked) {
      if (key.includes('#')) continue;
      const r = await c.request(leader, 'GET', `/v1/kv/${encodeURIComponent(key)}`);
      expect({ key, value: r.body['value'] }).toEqual({ key, value });
    }
    // Counters were incremented exactly once per acknowledged request, never half-applied:
    // the final value is at least the highest acknowledged value and equals the number of
    // increments that took effect (acknowledged, or in flight at the crash).
    for (let w = 0; w < 4; w++) {
      const highest = Math.max(0, ...[...acked].filter(([k]) => k.startsWith(`counter/${w}#`)).map(([, v]) => Number(v)));
      const r = await c.request(leader, 'GET', `/v1/kv/${encodeURIComponent(`counter/${w}`)}`);
      if (highest > 0) expect(Number(r.body['value'])).toBeGreaterThanOrEqual(highest);
      expect(Number(r.body['value'] ?? 0)).toBeLessThanOrEqual(highest + 1);
    }
  });
});
