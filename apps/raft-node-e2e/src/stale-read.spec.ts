import { ClusterHarness, sleep } from '@raft/cluster-testing';

describe('raft-node cluster: a paused (deposed) leader never serves a stale linearizable read', () => {
  const c = new ClusterHarness(3);
  beforeAll(() => c.start());
  afterAll(() => c.stop());

  it('SIGSTOP the leader, write through the new one, SIGCONT: the old leader steps down and reads are fresh', async () => {
    await c.putReliably('x', 'old', 'sr', '1');
    const old = await c.waitForLeader();
    await c.cli('pause', old);
    const others = c.ids().filter((id) => id !== old);
    const leader = await c.waitForLeader(others);
    expect(leader).not.toBe(old);
    await c.putReliably('x', 'new', 'sr', '2', others);
    // Issue the read to the old leader while it is still frozen, then thaw it.
    const read = c.request(old, 'GET', '/v1/kv/x', undefined, 15_000);
    await sleep(200);
    await c.cli('resume', old);
    const r = await read;
    // Either it waited and saw the new value, or it refused: it must never return 'old'.
    if (r.status === 200) expect(r.body['value']).toBe('new');
    else expect(r.status).toBe(503);
    const deadline = Date.now() + 10_000;
    let s = await c.status(old);
    while (s?.role === 'leader' && Date.now() < deadline) {
      await sleep(100);
      s = await c.status(old);
    }
    expect(s!.role).not.toBe('leader');
    expect((await c.request(old, 'GET', '/v1/kv/x')).body['value']).toBe('new');
  });
});
