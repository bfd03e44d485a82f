import { ClusterHarness, processDeathTime, sleep } from '@raft/cluster-testing';

describe('raft-node cluster: failover and recovery (real processes)', () => {
  const c = new ClusterHarness(3, { SNAPSHOT_THRESHOLD: '200' });
  beforeAll(() => c.start());
  afterAll(() => c.stop());

  it('serves writes and linearizable reads from any node', async () => {
    // Right after start a node may briefly know no leader (503): retried as the API asks.
    const put = await c.requestRetrying('n2', 'PUT', '/v1/kv/greeting', { value: 'hello', clientId: 'e2e', requestId: 'g1' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ revision: expect.any(Number) });
    for (const id of c.ids()) {
      const get = await c.getRetrying(id, '/v1/kv/greeting');
      expect(get).toMatchObject({ status: 200, body: { value: 'hello', revision: put.body['revision'] } });
    }
  });

  it('kill -9 of the leader: a new leader is elected and clients continue', async () => {
    const old = await c.waitForLeader();
    const survivors = c.ids().filter((id) => id !== old);
    let acked = 0;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        await c.putReliably(`failover/${i}`, String(i), 'e2e-writer', `w${i}`, survivors);
        acked = i + 1;
      }
    })();
    await sleep(300);
    // The clock starts when the process dies, not when the CLI starts or returns: either can
    // be a second or more away from the kill on a loaded machine.
    const pid = c.pidOf(old);
    const killing = c.cli('kill', old);
    const killedAt = await processDeathTime(pid);
    await killing;
    const leader = await c.waitForLeader(survivors);
    const failoverMs = Date.now() - killedAt;
    const before = acked;
    await sleep(500);
    stop = true;
    await writer;
    expect(leader).not.toBe(old);
    expect(acked).toBeGreaterThan(before); // writes continued after the failover
    process.stdout.write(`failover: new leader ${leader} after ${failoverMs} ms\n`);
    for (let i = 0; i < acked; i++) {
      const r = await c.request(leader, 'GET', `/v1/kv/failover%2F${i}`);
      expect(r.body['value']).toBe(String(i));
    }
  });

  it('a restarted node far behind catches up through InstallSnapshot', async () => {
    const leader = await c.waitForLeader(c.ids().filter((id) => c.pidOf(id) !== null));
    const down = c.ids().find((id) => id !== leader && c.pidOf(id) !== null)!;
    // Bring every node back first, then take one down and write past a snapshot.
    for (const id of c.ids()) if (c.pidOf(id) === null) await c.cli('restart', id);
    await c.waitForLeader();
    await c.cli('kill', down);
    const up = c.ids().filter((id) => id !== down);
    for (let i = 0; i < 450; i++) await c.putReliably(`bulk/${i}`, `v${i}`, 'e2e-bulk', `b${i}`, up);
    const leaderNow = await c.waitForLeader(up);
    const ls = (await c.status(leaderNow))!;
    expect(ls.snapshotIndex).toBeGreaterThan(0);
    await c.cli('restart', down);
    const deadline = Date.now() + 30_000;
    let s = await c.status(down);
    while ((s === null || s.appliedIndex < ls.commitIndex) && Date.now() < deadline) {
      await sleep(200);
      s = await c.status(down);
    }
    expect(s!.appliedIndex).toBeGreaterThanOrEqual(ls.commitIndex);
    expect(s!.snapshotIndex).toBeGreaterThan(0);
    const r = await c.request(down, 'GET', '/v1/kv/bulk%2F449?consistency=serializable');
    expect(r.body['value']).toBe('v449');
  });
});
