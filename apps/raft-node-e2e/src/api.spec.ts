import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ClusterHarness } from '@raft/cluster-testing';

// Calls that go through the log retry 503 (no leader at that moment: with two CPU hogs
// beside the suite, elections happen mid-test). A 503 means nothing ran, so even an
// id-less write is safe to repeat.
describe('raft-node client API contract and input handling', () => {
  const c = new ClusterHarness(3, { MAX_VALUE_BYTES: '1000' });
  beforeAll(() => c.start());
  afterAll(() => c.stop());

  it('put / get / delete / cas / incr answer with the documented shapes', async () => {
    expect((await c.requestRetrying('n1', 'PUT', '/v1/kv/a', { value: '1' })).body).toEqual({ revision: expect.any(Number) });
    const p2 = await c.requestRetrying('n1', 'PUT', '/v1/kv/a', { value: '2' });
    expect(p2.body).toEqual({ revision: expect.any(Number), prev: '1' });
    expect(await c.getRetrying('n3', '/v1/kv/a?consistency=lease')).toMatchObject({ status: 200, body: { value: '2', revision: p2.body['revision'] } });
    // Serializable reads are local and may be stale: the node that took the write applied it
    // before answering; another follower gets it with the leader's next commit message.
    expect(await c.requestRetrying('n1', 'GET', '/v1/kv/a?consistency=serializable')).toMatchObject({ status: 200, body: { value: '2' } });
    let follower = await c.requestRetrying('n2', 'GET', '/v1/kv/a?consistency=serializable');
    for (let i = 0; i < 40 && follower.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      follower = await c.requestRetrying('n2', 'GET', '/v1/kv/a?consistency=serializable');
    }
    expect(follower).toMatchObject({ status: 200, body: { value: '2' } });
    expect(await c.requestRetrying('n2', 'GET', '/v1/kv/missing')).toMatchObject({ status: 404, body: { error: expect.stringContaining('not found') } });
    expect((await c.requestRetrying('n2', 'POST', '/v1/kv/c/cas', { expect: null, value: 'x' })).body).toEqual({ succeeded: true, revision: expect.any(Number) });
    expect((await c.requestRetrying('n2', 'POST', '/v1/kv/c/cas', { expect: 'y', value: 'z' })).body).toEqual({ succeeded: false, revision: expect.any(Number), current: 'x' });
    expect((await c.requestRetrying('n3', 'POST', '/v1/kv/n/incr', { delta: 5 })).body).toEqual({ value: 5, revision: expect.any(Number) });
    expect((await c.requestRetrying('n3', 'POST', '/v1/kv/n/incr', { delta: -2 })).body).toEqual({ value: 3, revision: expect.any(Number) });
    expect((await c.requestRetrying('n1', 'DELETE', '/v1/kv/a')).body).toEqual({ revision: expect.any(Number), deleted: true });
    expect((await c.requestRetrying('n1', 'DELETE', '/v1/kv/a')).body).toEqual({ revision: expect.any(Number), deleted: false });
    const st = await c.requestRetrying('n1', 'GET', '/v1/status');
    expect(st.body).toMatchObject({ id: 'n1', role: expect.any(String), term: expect.any(Number), commitIndex: expect.any(Number), appliedIndex: expect.any(Number), config: { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] } });
  });

  it('a duplicate requestId returns the first result instead of executing twice', async () => {
    const body = { delta: 10, clientId: 'dup-client', requestId: 'dup-1' };
    const first = await c.requestRetrying('n1', 'POST', '/v1/kv/dup/incr', body);
    const again = await c.requestRetrying('n2', 'POST', '/v1/kv/dup/incr', body);
    expect(first.body).toEqual({ value: 10, revision: expect.any(Number) });
    expect(again.body).toEqual(first.body);
    expect((await c.getRetrying('n3', '/v1/kv/dup')).body['value']).toBe('10');
  });

  it('bad client input gets a 4xx JSON error naming the problem, and loses nothing', async () => {
    expect(await c.request('n1', 'PUT', '/v1/kv/b', '{"value": ')).toMatchObject({ status: 400, body: { error: expect.stringContaining('not valid JSON') } });
    expect(await c.request('n1', 'PUT', '/v1/kv/b', { value: 42 })).toMatchObject({ status: 400, body: { error: expect.stringContaining('value must be a string') } });
    expect(await c.request('n1', 'POST', '/v1/kv/b/incr', { delta: 1.5 })).toMatchObject({ status: 400, body: { error: expect.stringContaining('delta must be an integer') } });
    expect(await c.request('n1', 'GET', '/v1/kv/b?consistency=sometimes')).toMatchObject({ status: 400, body: { error: expect.stringContaining('consistency') } });
    expect(await c.request('n1', 'PUT', '/v1/kv/big', { value: 'x'.repeat(1001) })).toMatchObject({ status: 413, body: { error: expect.stringContaining('limit is 1000') } });
    expect((await c.requestRetrying('n1', 'PUT', '/v1/kv/s', { value: 'text' })).status).toBe(200);
    expect(await c.requestRetrying('n1', 'POST', '/v1/kv/s/incr', { delta: 1 })).toMatchObject({ status: 409, body: { error: 'value of s is not an integer' } });
    expect((await c.getRetrying('n1', '/v1/kv/s')).body['value']).toBe('text');
  });

  it('malformed peer frames are rejected without harming the node', async () => {
    const peerPort = c.basePort + 101;
    for (const junk of [Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]), Buffer.alloc(64, 7)]) {
      await new Promise<void>((resolve) => {
        const s = connect(peerPort, '127.0.0.1', () => s.end(junk));
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        s.resume();
      });
    }
    const w = await c.putReliably('after-junk', 'ok', 'junk', '1');
    expect(w).toBeGreaterThan(0);
    expect((await c.request('n1', 'GET', '/v1/kv/after-junk')).body['value']).toBe('ok');
  });

  it('nodes started by the cluster CLI run with its garbage-collector flags', () => {
    const file = JSON.parse(readFileSync(join(c.dataDir, 'cluster.json'), 'utf8')) as { nodes: Record<string, { pid: number }> };
    const argv = readFileSync(`/proc/${file.nodes['n1']!.pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining(['--max-semi-space-size=64', '--no-parallel-scavenge']));
  });

  it('/health reports the node up with its leader, and /metrics counts requests, peer traffic and the rejected junk connections', async () => {
    const health = await c.request('n2', 'GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', info: { raft: { status: 'up', leaderId: expect.any(String) } } } });
    await c.request('n1', 'PUT', '/v1/kv/metered', { value: 'v' });
    await c.request('n1', 'GET', '/v1/kv/metered?consistency=sometimes');
    const scrape = async (id: string): Promise<(series: string) => number> => {
      const lines = String((await c.request(id, 'GET', '/metrics')).body['raw']).split('\n');
      return (series) => Number(lines.find((l) => l.startsWith(`${series} `))?.slice(series.length + 1) ?? NaN);
    };
    const n1 = await scrape('n1');
    expect(n1('raft_http_requests_total{route="/v1/kv/:key",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(n1('raft_http_requests_total{route="/v1/kv/:key",status="400"}')).toBeGreaterThanOrEqual(1);
    // The previous test sent three junk streams to n1's peer port.
    expect(n1('raft_transport_rejected_connections_total')).toBeGreaterThanOrEqual(3);
    expect(n1('raft_transport_received_messages_total')).toBeGreaterThan(0);
    // A follower connects only to the servers it has sent to; the leader, to every peer.
    const leaderId = (health.body['info'] as { raft: { leaderId: string } }).raft.leaderId;
    const leader = await scrape(leaderId);
    for (const peer of ['n1', 'n2', 'n3'].filter((id) => id !== leaderId)) {
      expect(leader(`raft_peer_connected{peer="${peer}"}`)).toBe(1);
      expect(leader(`raft_peer_sent_messages_total{peer="${peer}"}`)).toBeGreaterThan(0);
    }
  });
});
