import { chromium, type Browser } from 'playwright-core';
import { ClusterHarness, sleep } from '@raft/cluster-testing';
import { GatewayProcess } from './gateway-process';

/**
 * Operators grow, shrink and repair a live cluster through the gateway while clients keep
 * writing: every acknowledged write survives and clients only ever see retryable errors.
 */
describe('admin gateway: membership changes on a live cluster (real processes)', () => {
  const c = new ClusterHarness(3, { SNAPSHOT_THRESHOLD: '40' });
  let gw: GatewayProcess;
  let browser: Browser | null = null;
  const acked = new Map<string, string>();
  const statuses = new Set<number>();
  let writing = true;
  let writer: Promise<void>;
  let live = ['n1', 'n2', 'n3'];

  const peer = (id: string): string => `127.0.0.1:${c.basePort + 100 + Number(id.slice(1))}`;

  beforeAll(async () => {
    await c.start();
    gw = new GatewayProcess(c.basePort + 250, `127.0.0.1:${c.basePort + 1},127.0.0.1:${c.basePort + 2}`);
    await gw.start();
    writer = (async () => {
      for (let i = 0; writing; i++) {
        const id = live[i % live.length]!;
        try {
          const r = await c.request(id, 'PUT', `/v1/kv/w${i % 50}`, { value: String(i), clientId: 'gw-writer', requestId: String(i) }, 3000);
          statuses.add(r.status);
          if (r.status === 200) acked.set(`w${i % 50}`, String(i));
        } catch {
          // the node went away mid-request (we kill nodes in this test); retried on another
        }
        await sleep(20);
      }
    })();
  });

  afterAll(async () => {
    writing = false;
    await writer;
    await browser?.close();
    await gw.stop();
    await c.stop();
  });

  it('refuses unauthenticated (401), wrongly authenticated (403) and invalid (400) changes', async () => {
    expect((await gw.call('POST', '/v1/cluster/members', { id: 'n4', address: peer('n4'), role: 'voter' }, null)).status).toBe(401);
    expect((await gw.call('POST', '/v1/cluster/members', { id: 'n4', address: peer('n4'), role: 'voter' }, 'wrong-token')).status).toBe(403);
    expect(await gw.call('POST', '/v1/cluster/members', { id: 'n4', address: 'nowhere', role: 'voter' })).toMatchObject({ status: 400, body: { error: 'address must be host:port' } });
    expect(await gw.call('DELETE', '/v1/cluster/members/n9')).toMatchObject({ status: 400, body: { error: 'unknown node n9: not a member of the cluster' } });
    const view = await gw.call('GET', '/v1/cluster');
    expect(view.body).toMatchObject({ configuration: { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] }, changeInProgress: false });
    expect((view.body['members'] as unknown[]).length).toBe(3);
  });

  it('the dashboard shows the cluster, then a fourth node as learner and then as voter; a concurrent change gets 409', async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await browser.newPage();
    await page.goto(gw.url('/'));
    await page.waitForFunction('document.querySelectorAll("tr[data-member]").length === 3', undefined, { timeout: 15_000 });
    // Let the log grow past a snapshot so the new node must catch up through InstallSnapshot.
    for (let i = 0; i < 120; i++) await c.putReliably(`bulk${i}`, String(i), 'bulk', String(i));
    c.cli('start-new', 'n4');
    const asLearner = await gw.call('POST', '/v1/cluster/members', { id: 'n4', address: peer('n4'), role: 'learner' });
    expect(asLearner.status).toBe(202);
    expect(await gw.waitOperation(String(asLearner.body['operationId']))).toMatchObject({ status: 'succeeded', kind: 'add-member', target: 'n4' });
    await page.waitForSelector('tr[data-member="n4"][data-membership="learner"]', { timeout: 15_000 });
    const promote = await gw.call('POST', '/v1/cluster/members', { id: 'n4', address: peer('n4'), role: 'voter' });
    expect(promote.status).toBe(202);
    const concurrent = await gw.call('POST', '/v1/cluster/members', { id: 'n5', address: peer('n5'), role: 'voter' });
    expect(concurrent).toMatchObject({ status: 409, body: { error: expect.stringContaining('still running') } });
    const op = await gw.waitOperation(String(promote.body['operationId']));
    expect(op).toMatchObject({ status: 'succeeded' });
    expect((op['steps'] as { phase: string }[]).map((s) => s.phase.replace(/ \(round \d+\)/, ''))).toEqual(expect.arrayContaining(['accepted', 'catching-up', 'joint', 'done']));
    await page.waitForSelector('tr[data-member="n4"][data-membership="voter"]', { timeout: 15_000 });
    await page.waitForSelector(`li[data-op="${String(promote.body['operationId'])}"] .status:text("succeeded")`, { timeout: 15_000 });
    const n4 = (await c.status('n4'))!;
    expect(n4.snapshotIndex).toBeGreaterThan(0); // it caught up through InstallSnapshot
    live = ['n1', 'n2', 'n3', 'n4'];
  });

  it('grows to five voters under continuous writes', async () => {
    c.cli('start-new', 'n5');
    const r = await gw.call('POST', '/v1/cluster/members', { id: 'n5', address: peer('n5'), role: 'voter' });
    expect(r.status).toBe(202);
    expect(await gw.waitOperation(String(r.body['operationId']))).toMatchObject({ status: 'succeeded' });
    const view = await gw.call('GET', '/v1/cluster');
    expect((view.body['configuration'] as { voters: string[] }).voters).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    live = ['n1', 'n2', 'n3', 'n4', 'n5'];
  });

  it('shrinks back to three, removing the leader first', async () => {
    const leader = String((await gw.call('GET', '/v1/cluster')).body['leaderId']);
    const r1 = await gw.call('DELETE', `/v1/cluster/members/${leader}`);
    expect(r1.status).toBe(202);
    expect(await gw.waitOperation(String(r1.body['operationId']))).toMatchObject({ status: 'succeeded', target: leader });
    live = live.filter((id) => id !== leader);
    const other = live.find((id) => id !== 'n1') ?? live[0]!;
    const r2 = await gw.call('DELETE', `/v1/cluster/members/${other}`);
    expect(await gw.waitOperation(String(r2.body['operationId']))).toMatchObject({ status: 'succeeded' });
    live = live.filter((id) => id !== other);
    const view = await gw.call('GET', '/v1/cluster');
    expect((view.body['configuration'] as { voters: string[] }).voters).toHaveLength(3);
    expect(view.body['leaderId']).not.toBe(leader);
  });

  it('replaces a dead node: kill -9, remove it, add a fresh one', async () => {
    const leader = String((await gw.call('GET', '/v1/cluster')).body['leaderId']);
    const dead = live.find((id) => id !== leader)!;
    c.cli('kill', dead);
    live = live.filter((id) => id !== dead);
    const r = await gw.call('DELETE', `/v1/cluster/members/${dead}`);
    expect(r.status).toBe(202);
    expect(await gw.waitOperation(String(r.body['operationId']))).toMatchObject({ status: 'succeeded' });
    c.cli('start-new', 'n6');
    const add = await gw.call('POST', '/v1/cluster/members', { id: 'n6', address: peer('n6'), role: 'voter' });
    expect(add.status).toBe(202);
    expect(await gw.waitOperation(String(add.body['operationId']))).toMatchObject({ status: 'succeeded' });
    live = [...live, 'n6'];
    const view = await gw.call('GET', '/v1/cluster');
    expect((view.body['configuration'] as { voters: string[] }).voters).toContain('n6');
    expect((view.body['configuration'] as { voters: string[] }).voters).not.toContain(dead);
  });

  it('transfers leadership on request', async () => {
    const view = await gw.call('GET', '/v1/cluster');
    const to = (view.body['configuration'] as { voters: string[] }).voters.find((v) => v !== view.body['leaderId'])!;
    const r = await gw.call('POST', '/v1/cluster/leader', { to });
    expect(r.status).toBe(202);
    expect(await gw.waitOperation(String(r.body['operationId']))).toMatchObject({ status: 'succeeded', target: to });
  });

  it('after a gateway kill -9 mid-operation, the operation is reconciled with the cluster, never left running', async () => {
    const view = await gw.call('GET', '/v1/cluster');
    const victim = (view.body['configuration'] as { voters: string[] }).voters.find((v) => v !== view.body['leaderId'])!;
    const r = await gw.call('DELETE', `/v1/cluster/members/${victim}`);
    expect(r.status).toBe(202);
    gw.kill9();
    await sleep(3000);
    await gw.start();
    const op = await gw.call('GET', `/v1/operations/${String(r.body['operationId'])}`);
    expect(op.body['status']).not.toBe('running');
    expect(JSON.stringify(op.body['steps'])).toContain('reconciled after gateway restart');
    live = live.filter((id) => id !== victim);
  });

  it('kept every acknowledged write, and clients only saw retryable errors', async () => {
    writing = false;
    await writer;
    const leader = String((await gw.call('GET', '/v1/cluster')).body['leaderId']);
    for (const [key, value] of acked) {
      const r = await c.request(leader, 'GET', `/v1/kv/${key}`);
      expect({ key, value: r.body['value'] }).toEqual({ key, value });
    }
    expect([...statuses].filter((s) => ![200, 503, 504].includes(s))).toEqual([]);
    const audit = await gw.call('GET', '/v1/audit');
    expect(JSON.stringify(audit.body)).toContain('remove-member');
  });
});
