import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { FakeCluster, sleep } from './fake-cluster';
import { ALICE_TOKEN, database, dropSchema, startGateway, testSchema, TOKEN } from './gateway-app';

type Op = { id: string; status: string; phase: string; error: string | null; actor: string; steps: { phase: string; at: string; detail?: string }[] };

/**
 * The gateway's HTTP API against fake nodes (the raft-node admin contract, scripted) and a
 * real PostgreSQL: status codes, the JSON error shape, authentication, validation, conflict
 * detection, leader following and the phase-by-phase operation record.
 */
describe('admin gateway API (fake nodes, real PostgreSQL)', () => {
  const fake = new FakeCluster();
  const schema = testSchema('api');
  let app: INestApplication;
  let db: DataSource;
  const auth = { Authorization: `Bearer ${TOKEN}` };

  const http = () => request(app.getHttpServer());
  const waitOp = async (id: string, ms = 8000): Promise<Op> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const op = (await http().get(`/v1/operations/${id}`).expect(200)).body as Op;
      if (op.status !== 'running') return op;
      if (Date.now() > deadline) throw new Error(`operation still running: ${JSON.stringify(op)}`);
      await sleep(20);
    }
  };
  const waitPhase = async (id: string, phase: string): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (((await http().get(`/v1/operations/${id}`)).body as Op).phase !== phase) {
      if (Date.now() > deadline) throw new Error(`operation ${id} never reached ${phase}`);
      await sleep(10);
    }
  };
  /** Sets the leader's reported change and waits until the gateway recorded it. */
  const script = async (id: string, phase: string, apply: () => void): Promise<void> => {
    apply();
    await waitPhase(id, phase);
  };

  beforeAll(async () => {
    await dropSchema(schema);
    await fake.start(['n1', 'n2', 'n3']);
    // Seeded with a follower only: the leader and the other members are discovered.
    app = await startGateway(fake.http('n2'), schema);
    db = await database();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fake.stop();
    await db?.destroy();
    await dropSchema(schema);
  }, 30_000);

  beforeEach(() => {
    fake.onAdmin = null;
  });

  it('GET /v1/cluster: every member with addresses, role, voter/learner, term, match, lag and last contact; the configuration', async () => {
    fake.state.progress['n3'] = { match: 90, ticksSinceContact: 7, state: 'probe' };
    const { body } = await http().get('/v1/cluster').expect(200);
    fake.state.progress = {};
    expect(body).toMatchObject({ leaderId: 'n1', term: 3, commitIndex: 100, quorum: true, changeInProgress: false, membership: null });
    expect(body.configuration).toEqual({ voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] });
    expect(body.members).toEqual([
      { id: 'n1', address: { peer: fake.peer('n1'), http: fake.http('n1') }, role: 'leader', membership: 'voter', voter: true, term: 3, commitIndex: 100, appliedIndex: 100, matchIndex: 100, lag: 0, lastContactMs: 0, replication: 'leader', reachable: true },
      { id: 'n2', address: { peer: fake.peer('n2'), http: fake.http('n2') }, role: 'follower', membership: 'voter', voter: true, term: 3, commitIndex: 100, appliedIndex: 100, matchIndex: 100, lag: 0, lastContactMs: 20, replication: 'replicate', reachable: true },
      { id: 'n3', address: { peer: fake.peer('n3'), http: fake.http('n3') }, role: 'follower', membership: 'voter', voter: true, term: 3, commitIndex: 100, appliedIndex: 100, matchIndex: 90, lag: 10, lastContactMs: 70, replication: 'probe', reachable: true },
    ]);
    fake.setUp('n3', false);
    const down = (await http().get('/v1/cluster').expect(200)).body as { members: { id: string; role: string; reachable: boolean; term: number | null }[] };
    fake.setUp('n3', true);
    expect(down.members.find((m) => m.id === 'n3')).toMatchObject({ role: 'unreachable', reachable: false, term: null });
  });

  it('mutating routes need the bearer token: 401 without (or not Bearer), 403 when wrong; nothing reaches the cluster', async () => {
    const body = { id: 'n4', address: '127.0.0.1:7104', role: 'voter' };
    const before = fake.calls.length;
    expect((await http().post('/v1/cluster/members').send(body).expect(401)).body).toEqual({ error: 'missing bearer token' });
    expect((await http().post('/v1/cluster/members').set('Authorization', `Basic ${TOKEN}`).send(body).expect(401)).body).toEqual({ error: 'authorization must be "Bearer <token>"' });
    expect((await http().post('/v1/cluster/members').set('Authorization', 'Bearer not-the-token').send(body).expect(403)).body).toEqual({ error: 'wrong bearer token' });
    expect((await http().delete('/v1/cluster/members/n3').expect(401)).body).toEqual({ error: 'missing bearer token' });
    expect((await http().post('/v1/cluster/leader').set('Authorization', 'Bearer x').send({ to: 'n2' }).expect(403)).body).toEqual({ error: 'wrong bearer token' });
    expect(fake.calls.length).toBe(before);
    // Refused attempts are audited.
    const audit = (await http().get('/v1/audit?limit=5').expect(200)).body as { actor: string; action: string; target: string; outcome: string }[];
    expect(audit.map((a) => [a.actor, a.action, a.target, a.outcome])).toEqual([
      ['invalid token', 'authenticate', 'POST /v1/cluster/leader', 'forbidden'],
      ['anonymous', 'authenticate', 'DELETE /v1/cluster/members/n3', 'unauthorized'],
      ['invalid token', 'authenticate', 'POST /v1/cluster/members', 'forbidden'],
      ['anonymous', 'authenticate', 'POST /v1/cluster/members', 'unauthorized'],
      ['anonymous', 'authenticate', 'POST /v1/cluster/members', 'unauthorized'],
    ]);
    // Reads are open.
    await http().get('/v1/operations').expect(200);
  });

  it('400 for bad input: malformed body, bad address or port, unknown node, the last voter, a learner as leader, a node that does not answer', async () => {
    const post = (b: unknown) => http().post('/v1/cluster/members').set(auth).send(b as object);
    expect((await post({ id: 'n4', address: 'nowhere', role: 'voter' }).expect(400)).body).toEqual({ error: 'address must be host:port with a port in [1, 65535]' });
    expect((await post({ id: 'n4', address: '127.0.0.1:70000', role: 'voter' }).expect(400)).body).toEqual({ error: 'address must be host:port with a port in [1, 65535]' });
    expect((await post({ id: 'n 4', address: '127.0.0.1:7104', role: 'boss' }).expect(400)).body).toEqual({ error: 'id must be 1-64 letters, digits, _ or -; role must be voter or learner' });
    expect((await post({ id: 'n4', address: '127.0.0.1:7104', role: 'voter' }).expect(400)).body).toEqual({ error: 'no node answers at 127.0.0.1:7004; start n4 first (npm run cluster -- start-new n4)' });
    expect((await post({ id: 'n4', address: '127.0.0.1:7104', httpAddress: fake.http('n2'), role: 'voter' }).expect(400)).body).toEqual({ error: `address ${fake.http('n2')} is already used by n2` });
    expect((await post({ id: 'n2', address: fake.peer('n2'), role: 'voter' }).expect(400)).body).toEqual({ error: 'n2 is already a voter' });
    const badJson = await http().post('/v1/cluster/members').set(auth).set('content-type', 'application/json').send('{"id":').expect(400);
    expect(badJson.body.error).toMatch(/^request body is not valid JSON/);
    expect((await http().delete('/v1/cluster/members/n9').set(auth).expect(400)).body).toEqual({ error: 'unknown node n9: not a member of the cluster' });
    expect((await http().delete('/v1/cluster/members/bad%20id').set(auth).expect(400)).body).toEqual({ error: 'id must be 1-64 letters, digits, _ or -' });
    expect((await http().post('/v1/cluster/leader').set(auth).send({ to: 'n9' }).expect(400)).body).toEqual({ error: 'unknown node n9: not a voter of the cluster' });
    expect((await http().post('/v1/cluster/leader').set(auth).send({ to: 'n1' }).expect(400)).body).toEqual({ error: 'n1 is already the leader' });
    fake.state.voters = ['n1'];
    fake.state.learners = ['n2', 'n3'];
    try {
      expect((await http().delete('/v1/cluster/members/n1').set(auth).expect(400)).body).toEqual({ error: 'cannot remove n1: it is the last voter' });
      expect((await http().post('/v1/cluster/leader').set(auth).send({ to: 'n2' }).expect(400)).body).toEqual({ error: 'n2 is a learner; only a voter can lead' });
    } finally {
      fake.state.voters = ['n1', 'n2', 'n3'];
      fake.state.learners = [];
    }
    expect(fake.calls).toEqual([]);
    const audit = (await http().get('/v1/audit?target=n9').expect(200)).body as { outcome: string; action: string; actor: string }[];
    expect(audit.map((a) => [a.action, a.outcome, a.actor])).toEqual([
      ['transfer-leader', 'refused', 'admin'],
      ['remove-member', 'refused', 'admin'],
    ]);
    expect((await http().get('/v1/operations/not-a-uuid').expect(404)).body).toEqual({ error: 'operation not-a-uuid not found' });
  });

  it('503 (with Retry-After) when the cluster has no leader', async () => {
    fake.state.leader = null;
    try {
      const res = await http().delete('/v1/cluster/members/n3').set(auth).expect(503);
      expect(res.body).toEqual({ error: 'the cluster has no leader (no quorum?)' });
      expect(res.headers['retry-after']).toBe('1');
      expect((await http().get('/v1/cluster').expect(200)).body).toMatchObject({ leaderId: null, quorum: false });
    } finally {
      fake.state.leader = 'n1';
    }
  });

  it('adds a voter and records each phase the leader reports: learner → catch-up rounds → joint → new configuration', async () => {
    await fake.addNode('n4');
    const res = await http()
      .post('/v1/cluster/members')
      .set({ Authorization: `Bearer ${ALICE_TOKEN}`, 'X-Actor': 'ops-bot' })
      .send({ id: 'n4', address: fake.peer('n4'), httpAddress: fake.http('n4'), role: 'voter' })
      .expect(202);
    const id = res.body.operationId as string;
    expect(Object.keys(res.body)).toEqual(['operationId']);
    // Sent to the leader (discovered through the follower seed).
    expect(fake.calls.at(-1)).toEqual({ node: 'n1', method: 'POST', path: '/v1/admin/members', body: { id: 'n4', peerAddress: fake.peer('n4'), httpAddress: fake.http('n4'), role: 'voter' } });
    const s = fake.state;
    await script(id, 'adding-learner', () => undefined);
    await script(id, 'catching-up (round 1)', () => {
      s.learners = ['n4'];
      s.membership = { change: { kind: 'add-voter', id: 'n4' }, phase: 'catching-up', round: 1, error: null };
    });
    await script(id, 'catching-up (round 2)', () => (s.membership = { ...s.membership!, round: 2 }));
    await script(id, 'joint', () => {
      s.learners = [];
      s.voters = ['n1', 'n2', 'n3', 'n4'];
      s.outgoing = ['n1', 'n2', 'n3'];
      s.membership = { ...s.membership!, phase: 'joint' };
    });
    expect((await http().get('/v1/cluster').expect(200)).body).toMatchObject({ changeInProgress: true, configuration: { voters: ['n1', 'n2', 'n3', 'n4'], outgoing: ['n1', 'n2', 'n3'] } });
    await script(id, 'leaving-joint', () => (s.membership = { ...s.membership!, phase: 'leaving-joint' }));
    s.outgoing = [];
    s.membership = { ...s.membership!, phase: 'done' };
    s.configChangeInProgress = false;
    const op = await waitOp(id);
    expect(op).toMatchObject({ status: 'succeeded', phase: 'succeeded', error: null, actor: 'ops-bot (alice)', kind: 'add-member', target: 'n4' });
    expect(op.steps.map((x) => x.phase)).toEqual(['requested', 'accepted', 'adding-learner', 'catching-up (round 1)', 'catching-up (round 2)', 'joint', 'leaving-joint', 'done', 'succeeded']);
    expect(op.steps.at(-1)!.detail).toBe('n4 is a voter');
    const times = op.steps.map((x) => Date.parse(x.at));
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= times[i - 1]!))).toBe(true);
    const audit = (await http().get('/v1/audit?target=n4').expect(200)).body as { outcome: string; actor: string; detail: Record<string, unknown> }[];
    expect(audit.filter((a) => a.detail['operationId'] === id).map((a) => [a.outcome, a.actor, a.detail['operationId']])).toEqual([
      ['succeeded', 'ops-bot (alice)', id],
      ['accepted', 'ops-bot (alice)', id],
    ]);
    const list = (await http().get('/v1/operations?limit=1').expect(200)).body as Op[];
    expect(list.map((o) => o.id)).toEqual([id]);
  });

  it('409 while a change runs in the cluster (started elsewhere) and while the gateway runs one; of two concurrent requests exactly one wins', async () => {
    const s = fake.state;
    s.configChangeInProgress = true;
    s.membership = { change: { kind: 'add-voter', id: 'n7' }, phase: 'catching-up', round: 3, error: null };
    try {
      const res = await http().delete('/v1/cluster/members/n4').set(auth).expect(409);
      expect(res.body).toEqual({ error: 'a configuration change is already in progress in the cluster (add-voter n7: catching-up)' });
    } finally {
      s.configChangeInProgress = false;
      s.membership = null;
    }
    const calls = fake.calls.length;
    const [a, b] = await Promise.all([http().delete('/v1/cluster/members/n4').set(auth), http().delete('/v1/cluster/members/n3').set(auth)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const winner = a.status === 202 ? a : b;
    const loser = a.status === 202 ? b : a;
    expect(loser.body.error).toBe(`operation ${winner.body.operationId as string} (remove-member ${a.status === 202 ? 'n4' : 'n3'}) is still running`);
    expect(fake.calls.length).toBe(calls + 1);
    const target = a.status === 202 ? 'n4' : 'n3';
    expect((await http().post('/v1/cluster/leader').set(auth).send({ to: 'n2' }).expect(409)).body.error).toContain('is still running');
    s.voters = s.voters.filter((v) => v !== target);
    s.membership = { change: { kind: 'remove', id: target }, phase: 'done', round: 0, error: null };
    s.configChangeInProgress = false;
    expect(await waitOp(winner.body.operationId as string)).toMatchObject({ status: 'succeeded', error: null });
    s.voters = ['n1', 'n2', 'n3'];
    s.membership = null;
  });

  it('follows a leader change: a 503 with a leader hint re-sends the change to the new leader', async () => {
    await fake.addNode('n5');
    fake.state.leader = 'n2';
    fake.onAdmin = (call) => {
      if (call.node !== 'n2') return null;
      fake.state.leader = 'n3';
      fake.state.term = 4;
      return { status: 503, body: { error: 'not the leader; try n3', leaderId: 'n3' } };
    };
    const res = await http().post('/v1/cluster/members').set(auth).send({ id: 'n5', address: fake.peer('n5'), httpAddress: fake.http('n5'), role: 'learner' }).expect(202);
    expect(fake.calls.slice(-2).map((c) => c.node)).toEqual(['n2', 'n3']);
    fake.state.learners = ['n5'];
    fake.state.membership = { change: { kind: 'add-learner', id: 'n5' }, phase: 'done', round: 0, error: null };
    fake.state.configChangeInProgress = false;
    const op = await waitOp(res.body.operationId as string);
    expect(op).toMatchObject({ status: 'succeeded', error: null });
    expect(op.steps.at(-1)!.detail).toBe('n5 is a learner');
  });

  it('a transfer succeeds when the target leads and fails after TRANSFER_TIMEOUT_MS otherwise', async () => {
    const ok = await http().post('/v1/cluster/leader').set(auth).send({ to: 'n1' }).expect(202);
    expect(fake.calls.at(-1)).toMatchObject({ node: 'n3', path: '/v1/admin/transfer-leadership', body: { to: 'n1' } });
    await sleep(100);
    expect(((await http().get(`/v1/operations/${ok.body.operationId as string}`)).body as Op).status).toBe('running');
    fake.state.leader = 'n1';
    fake.state.term = 5;
    expect(await waitOp(ok.body.operationId as string)).toMatchObject({ status: 'succeeded', error: null });
    const started = Date.now();
    const stuck = await http().post('/v1/cluster/leader').set(auth).send({ to: 'n2' }).expect(202);
    const op = await waitOp(stuck.body.operationId as string);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(op).toMatchObject({ status: 'failed', error: 'timed out: n2 did not take over leadership (leader: n1)' });
  });

  it('a catch-up the leader gives up on leaves the node a learner: the operation is interrupted with the leader’s error', async () => {
    const res = await http().post('/v1/cluster/members').set(auth).send({ id: 'n5', address: fake.peer('n5'), httpAddress: fake.http('n5'), role: 'voter' }).expect(202);
    const id = res.body.operationId as string;
    await script(id, 'catching-up (round 1)', () => (fake.state.membership = { change: { kind: 'add-voter', id: 'n5' }, phase: 'catching-up', round: 1, error: null }));
    fake.state.membership = { change: { kind: 'add-voter', id: 'n5' }, phase: 'failed', round: 10, error: 'n5 did not catch up within 10 rounds' };
    fake.state.configChangeInProgress = false;
    const op = await waitOp(id);
    expect(op).toMatchObject({ status: 'interrupted', error: 'n5 did not catch up within 10 rounds' });
    expect(op.steps.map((x) => x.phase).slice(-2)).toEqual(['failed', 'interrupted']);
  });

  it('a change a new leader abandoned is settled from the configuration after the grace period', async () => {
    const res = await http().post('/v1/cluster/members').set(auth).send({ id: 'n5', address: fake.peer('n5'), httpAddress: fake.http('n5'), role: 'voter' }).expect(202);
    fake.state.leader = 'n2';
    fake.state.term = 6;
    fake.state.membership = null;
    fake.state.configChangeInProgress = false;
    const op = await waitOp(res.body.operationId as string);
    expect(op).toMatchObject({ status: 'interrupted', error: 'the leader no longer runs the change: interrupted: n5 is a learner' });
  });

  it('keeps the audit log append-only and at most one running operation, in the database itself', async () => {
    await expect(db.query(`UPDATE "${schema}"."audit_log" SET outcome = 'succeeded'`)).rejects.toThrow(/audit_log is append-only/);
    await expect(db.query(`DELETE FROM "${schema}"."audit_log"`)).rejects.toThrow(/audit_log is append-only/);
    const insert = (id: string) =>
      db.query(`INSERT INTO "${schema}"."operations" (id, kind, target, status, phase, actor) VALUES ($1, 'remove-member', 'n9', 'running', 'requested', 'test')`, [id]);
    await insert('00000000-0000-4000-8000-000000000001');
    try {
      await expect(insert('00000000-0000-4000-8000-000000000002')).rejects.toThrow(/operations_one_running/);
    } finally {
      await db.query(`DELETE FROM "${schema}"."operations" WHERE target = 'n9'`);
    }
  });

  it('serves OpenAPI at /docs, Prometheus metrics, health, the dashboard page and the SSE stream', async () => {
    const docs = (await http().get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/cluster', '/v1/cluster/members', '/v1/cluster/members/{id}', '/v1/cluster/leader', '/v1/operations', '/v1/operations/{id}', '/v1/audit', '/v1/events']));
    const metrics = (await http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/gateway_operations_total\{kind="add-member",outcome="succeeded"\} 2/);
    expect(metrics).toMatch(/gateway_cluster_leader_known 1/);
    expect((await http().get('/health').expect(200)).body).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, cluster: { status: 'up', leaderId: 'n2' } } });
    const page = await http().get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain("new EventSource('/v1/events')");
    const url = `http://127.0.0.1:${(app.getHttpServer() as { address(): { port: number } }).address().port}/v1/events`;
    const ctrl = new AbortController();
    const res = await fetch(url, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const frame = /event: cluster\n(?:id: \d+\n)?data: (.*)\n\n/;
    const deadline = Date.now() + 5000;
    while (!frame.test(text) && Date.now() < deadline) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    ctrl.abort();
    const data = JSON.parse(frame.exec(text)![1]!) as { leaderId: string; members: unknown[] };
    expect(data.leaderId).toBe('n2');
    expect(data.members.map((m) => (m as { id: string }).id)).toEqual(['n1', 'n2', 'n3', 'n5']);
  });
  it('with every node down: /health is 503 naming the failed check, changes are 503, the view lists the last known members as unreachable', async () => {
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) fake.setUp(id, false);
    try {
      const health = await http().get('/health').expect(503);
      expect(health.body).toMatchObject({ error: 'unhealthy: cluster', details: { postgres: { status: 'up' }, cluster: { status: 'down', reachable: 0 } } });
      expect((await http().post('/v1/cluster/leader').set(auth).send({ to: 'n2' }).expect(503)).body).toEqual({ error: 'the cluster has no leader (no quorum?)' });
      const view = (await http().get('/v1/cluster').expect(200)).body as { leaderId: null; quorum: boolean; members: { id: string; role: string }[] };
      expect(view).toMatchObject({ leaderId: null, quorum: false });
      expect(view.members.map((m) => [m.id, m.role])).toEqual([
        ['n1', 'unreachable'],
        ['n2', 'unreachable'],
        ['n3', 'unreachable'],
        ['n5', 'unreachable'],
      ]);
    } finally {
      for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) fake.setUp(id, true);
    }
  });
});
