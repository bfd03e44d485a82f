import { ClusterHarness, sleep } from '@raft/cluster-testing';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { harnessOnFreePorts } from './free-ports';
import { GatewayProcess } from './gateway-process';

type Config = { voters: string[]; learners: string[]; outgoing: string[] };
type Step = { phase: string; at: string; detail?: string };
type ClusterView = { leaderId: string; configuration: Config; members: { id: string; membership: string; role: string; reachable: boolean }[] };

/**
 * Operators grow, shrink and repair a live cluster through the gateway (a real process on
 * a real cluster started with the cluster CLI) while a client keeps writing: every
 * acknowledged write survives and the client only ever sees retryable errors.
 */
describe('admin gateway: membership changes on a live cluster (real processes)', () => {
  // Small snapshot threshold: the leader's log is compacted early, so a fresh node can only
  // catch up through InstallSnapshot. The CLI passes the variable through to start-new.
  let c: ClusterHarness;
  let gw: GatewayProcess;
  let browser: Browser | null = null;
  let page: Page;

  // The continuous client: unique keys, so every acknowledged write can be checked at the end.
  const acked = new Map<string, string>();
  const statuses = new Map<number, number>();
  const connectionErrors: string[] = [];
  const killed = new Set<string>();
  let writing = true;
  let writer: Promise<void> = Promise.resolve();
  let live = ['n1', 'n2', 'n3'];

  const peer = (id: string): string => `127.0.0.1:${c.basePort + 100 + Number(id.slice(1))}`;
  const cluster = async (): Promise<ClusterView> => (await gw.call('GET', '/v1/cluster')).body as unknown as ClusterView;
  /** start-new, then wait until the fresh node answers (the gateway refuses to add a node that does not). */
  const startNew = async (id: string): Promise<void> => {
    await c.cli('start-new', id);
    const deadline = Date.now() + 60_000;
    while ((await c.status(id)) === null) {
      if (Date.now() > deadline) {
        const log = join(c.dataDir, `${id}.log`);
        throw new Error(`${id} did not come up; ${log}:\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '(no log)'}`);
      }
      await sleep(100);
    }
  };
  const phases = (op: Record<string, unknown>): string[] => (op['steps'] as Step[]).map((s) => s.phase);

  beforeAll(async () => {
    c = await harnessOnFreePorts(3, { SNAPSHOT_THRESHOLD: '50' }, [250]);
    await c.start();
    gw = new GatewayProcess(c.basePort + 250, `127.0.0.1:${c.basePort + 1}`, `gw_e2e_${process.pid}`, { POLL_INTERVAL_MS: '200', OPERATION_TIMEOUT_MS: '60000' });
    await gw.drop();
    await gw.start();
    writer = (async () => {
      for (let i = 0; writing; i++) {
        const id = live[i % live.length]!;
        const sentAt = Date.now();
        try {
          const r = await c.request(id, 'PUT', `/v1/kv/w${i}`, { value: `v${i}`, clientId: 'gw-e2e-writer', requestId: String(i) }, 8000);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200) acked.set(`w${i}`, `v${i}`);
        } catch (e) {
          connectionErrors.push(`${id}: ${(e as Error).message} (w${i}, sent ${new Date(sentAt).toISOString()}, failed after ${Date.now() - sentAt} ms)`);
        }
        await sleep(15);
      }
    })();
  }, 120_000);

  afterAll(async () => {
    writing = false;
    await writer;
    await browser?.close();
    await gw?.stop();
    await gw?.drop();
    await c?.stop();
  }, 60_000);

  it('refuses unauthenticated (401), wrongly authenticated (403) and invalid (400) changes; shows the 3-node cluster', async () => {
    const add = { id: 'n4', address: peer('n4'), role: 'voter' };
    expect(await gw.call('POST', '/v1/cluster/members', add, null)).toEqual({ status: 401, body: { error: 'missing bearer token' } });
    expect(await gw.call('POST', '/v1/cluster/members', add, 'not-the-token')).toEqual({ status: 403, body: { error: 'wrong bearer token' } });
    expect(await gw.call('DELETE', '/v1/cluster/members/n1', undefined, null)).toEqual({ status: 401, body: { error: 'missing bearer token' } });
    expect(await gw.call('POST', '/v1/cluster/members', { ...add, address: 'nowhere' })).toEqual({ status: 400, body: { error: 'address must be host:port with a port in [1, 65535]' } });
    expect(await gw.call('POST', '/v1/cluster/members', add)).toEqual({ status: 400, body: { error: `no node answers at 127.0.0.1:${c.basePort + 4}; start n4 first (npm run cluster -- start-new n4)` } });
    expect(await gw.call('DELETE', '/v1/cluster/members/n9')).toEqual({ status: 400, body: { error: 'unknown node n9: not a member of the cluster' } });
    expect(await gw.call('POST', '/v1/cluster/leader', { to: 'n9' })).toEqual({ status: 400, body: { error: 'unknown node n9: not a voter of the cluster' } });
    const view = await cluster();
    expect(view).toMatchObject({ configuration: { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] }, changeInProgress: false, quorum: true });
    expect(view.members.map((m) => [m.id, m.membership])).toEqual([
      ['n1', 'voter'],
      ['n2', 'voter'],
      ['n3', 'voter'],
    ]);
    expect(view.members.filter((m) => m.role === 'leader').map((m) => m.id)).toEqual([view.leaderId]);
  });

  it('dashboard: a fourth node appears as a learner (caught up through InstallSnapshot), then as a voter; a concurrent change gets 409', async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage();
    await page.goto(gw.url('/'));
    await page.waitForFunction('document.querySelectorAll("tr[data-member]").length === 3 && !!document.querySelector("tr[data-role=leader]")', undefined, { timeout: 15_000 });
    expect(await page.locator('#config').getAttribute('data-voters')).toBe('n1,n2,n3');

    // Grow the log past several snapshots: the leader keeps no entry before its snapshot index.
    for (let i = 0; i < 150; i++) await c.putReliably(`bulk${i}`, 'x'.repeat(200), 'bulk', String(i));
    const leaderId = (await cluster()).leaderId;
    const snapAtAdd = (await c.status(leaderId))!.snapshotIndex;
    expect(snapAtAdd).toBeGreaterThan(0);

    await startNew('n4');
    const asLearner = await gw.run('POST', '/v1/cluster/members', { id: 'n4', address: peer('n4'), role: 'learner' });
    expect(asLearner).toMatchObject({ status: 'succeeded', kind: 'add-member', target: 'n4', error: null, actor: 'e2e (admin)' });
    await page.waitForSelector('tr[data-member="n4"][data-membership="learner"]', { timeout: 15_000 });
    expect(await page.locator('#config').getAttribute('data-learners')).toBe('n4');
    // An empty node whose leader's log starts after index snapAtAdd got there by InstallSnapshot.
    const deadline = Date.now() + 20_000;
    let n4 = (await c.status('n4'))!;
    while (n4.appliedIndex < snapAtAdd && Date.now() < deadline) {
      await sleep(100);
      n4 = (await c.status('n4'))!;
    }
    expect(n4.snapshotIndex).toBeGreaterThanOrEqual(snapAtAdd);
    expect(n4.config.learners).toEqual(['n4']);

    const promote = await gw.call('POST', '/v1/cluster/members', { id: 'n4', address: peer('n4'), role: 'voter' });
    expect(promote.status).toBe(202);
    const opId = String(promote.body['operationId']);
    const concurrent = await gw.call('DELETE', '/v1/cluster/members/n3');
    expect(concurrent).toEqual({ status: 409, body: { error: `operation ${opId} (add-member n4) is still running` } });
    const op = await gw.waitOperation(opId);
    expect(op).toMatchObject({ status: 'succeeded', phase: 'succeeded', error: null });
    // Observed phases: a subsequence of the leader's learner → catching-up → joint → leaving-joint → done.
    const order = ['requested', 'accepted', 'adding-learner', 'catching-up', 'joint', 'leaving-joint', 'done', 'succeeded'];
    const seen = phases(op).map((p) => order.indexOf(p.replace(/ \(round \d+\)$/, '')));
    expect(seen.every((x) => x >= 0)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(phases(op)[0]).toBe('requested');
    expect(phases(op).at(-1)).toBe('succeeded');
    await page.waitForSelector('tr[data-member="n4"][data-membership="voter"]', { timeout: 15_000 });
    await page.waitForSelector(`li[data-op="${opId}"][data-status="succeeded"]`, { timeout: 15_000 });
    expect(await page.locator('#config').getAttribute('data-voters')).toBe('n1,n2,n3,n4');
    expect(await page.locator('tr[data-member]').count()).toBe(4);
    live = ['n1', 'n2', 'n3', 'n4'];
  });

  it('grows to five voters under continuous writes', async () => {
    await startNew('n5');
    const op = await gw.run('POST', '/v1/cluster/members', { id: 'n5', address: peer('n5'), role: 'voter' });
    expect(op).toMatchObject({ status: 'succeeded', target: 'n5' });
    expect((await cluster()).configuration).toEqual({ voters: ['n1', 'n2', 'n3', 'n4', 'n5'], learners: [], outgoing: [] });
    live = ['n1', 'n2', 'n3', 'n4', 'n5'];
    await page.waitForSelector('tr[data-member="n5"][data-membership="voter"]', { timeout: 15_000 });
  });

  it('shrinks back to three, removing the leader first', async () => {
    const leader = (await cluster()).leaderId;
    live = live.filter((id) => id !== leader);
    const first = await gw.run('DELETE', `/v1/cluster/members/${leader}`);
    expect(first).toMatchObject({ status: 'succeeded', target: leader, error: null });
    const after = await cluster();
    expect(after.leaderId).not.toBe(leader);
    expect(after.configuration.voters).not.toContain(leader);
    const other = live.find((id) => id !== after.leaderId)!;
    live = live.filter((id) => id !== other);
    // A watch open on `other` while it is removed must end (it will never see another change).
    const watch = await fetch(c.url(other, '/v1/watch?prefix=zz'));
    expect(watch.status).toBe(200);
    // Read to its end in the background; a stream cut short fails the check below, not the run.
    const watchText = watch.text().catch((e: unknown) => `stream failed: ${String(e)}`);
    expect(await gw.run('DELETE', `/v1/cluster/members/${other}`)).toMatchObject({ status: 'succeeded', target: other });
    const view = await cluster();
    expect(view.configuration).toEqual({ voters: [...live].sort(), learners: [], outgoing: [] });
    expect(view.members.map((m) => m.id)).toEqual([...live].sort());
    // Both removed servers still run. The old leader committed its own removal; the other
    // never received C(new) and learns it from a member when it next asks for votes. Both
    // then answer clients 410 instead of timing them out.
    for (const removed of [leader, other]) {
      const deadline = Date.now() + 15_000;
      let status = await c.status(removed);
      while (!status?.removed && Date.now() < deadline) {
        await sleep(100);
        status = await c.status(removed);
      }
      expect(status?.removed).toMatchObject({ configIndex: expect.any(Number) });
      const put = await c.request(removed, 'PUT', '/v1/kv/after-removal', { value: 'x' });
      expect(put.status).toBe(410);
      expect(String(put.body['error'])).toContain('removed from the cluster');
      expect((await c.request(removed, 'GET', '/v1/kv/w0')).status).toBe(410);
      const refused = await c.request(removed, 'GET', '/v1/watch?prefix=zz');
      expect(refused).toMatchObject({ status: 410, body: { removedAt: status?.removed?.configIndex } });
    }
    const ended = await watchText; // the stream ends within a removal check (1 s) of it learning
    expect(ended).toContain('event: error');
    expect(ended).toContain('removed from the cluster');
  });

  it('replaces a dead node: kill -9, remove it, add a fresh one started with start-new', async () => {
    const leader = (await cluster()).leaderId;
    const dead = live.find((id) => id !== leader)!;
    live = live.filter((id) => id !== dead);
    killed.add(dead);
    await sleep(100); // let in-flight writes to it finish
    await c.cli('kill', dead);
    const view = await cluster();
    expect(view.members.find((m) => m.id === dead)).toMatchObject({ role: 'unreachable', reachable: false });
    expect(await gw.run('DELETE', `/v1/cluster/members/${dead}`)).toMatchObject({ status: 'succeeded', target: dead });
    await startNew('n6');
    expect(await gw.run('POST', '/v1/cluster/members', { id: 'n6', address: peer('n6'), role: 'voter' })).toMatchObject({ status: 'succeeded', target: 'n6' });
    live = [...live, 'n6'];
    expect((await cluster()).configuration).toEqual({ voters: [...live].sort(), learners: [], outgoing: [] });
  });

  it('transfers leadership on request', async () => {
    const view = await cluster();
    const to = view.configuration.voters.find((v) => v !== view.leaderId)!;
    const op = await gw.run('POST', '/v1/cluster/leader', { to });
    expect(op).toMatchObject({ status: 'succeeded', target: to, kind: 'transfer-leader' });
    expect((await cluster()).leaderId).toBe(to);
  });

  it('after a gateway kill -9 mid-operation, the operation is reconciled with the cluster instead of being left running', async () => {
    const view = await cluster();
    const victim = view.configuration.voters.find((v) => v !== view.leaderId)!;
    live = live.filter((id) => id !== victim);
    const r = await gw.call('DELETE', `/v1/cluster/members/${victim}`);
    expect(r.status).toBe(202);
    await gw.kill9();
    await sleep(2000);
    await gw.start();
    const op = (await gw.call('GET', `/v1/operations/${String(r.body['operationId'])}`)).body;
    expect(op).toMatchObject({ status: 'succeeded', target: victim, error: null });
    expect((op['steps'] as Step[]).at(-1)).toMatchObject({ phase: 'succeeded', detail: `reconciled after gateway restart: ${victim} is no longer a member` });
    expect((await cluster()).configuration.voters).not.toContain(victim);
  });

  it('kept every acknowledged write, and the client only saw retryable errors', async () => {
    writing = false;
    await writer;
    const leader = (await cluster()).leaderId;
    // Enough writes to make the check meaningful. Not a throughput floor: a write in flight
    // to a node as it is removed can only end as 504 after REQUEST_TIMEOUT_MS (5 s), and
    // the sequential writer sends nothing meanwhile (about 200 to 420 acks per run).
    expect(acked.size).toBeGreaterThan(100);
    const entries = [...acked.entries()];
    const lost: string[] = [];
    for (let i = 0; i < entries.length; i += 25) {
      await Promise.all(
        entries.slice(i, i + 25).map(async ([key, value]) => {
          const r = await c.request(leader, 'GET', `/v1/kv/${key}`);
          if (r.status !== 200 || r.body['value'] !== value) lost.push(`${key}: ${r.status} ${JSON.stringify(r.body)}`);
        }),
      );
    }
    expect(lost).toEqual([]);
    expect([...statuses.keys()].filter((s) => ![200, 503, 504].includes(s))).toEqual([]);
    // Connection errors only from the node that was killed (requests in flight at the kill).
    expect(connectionErrors.filter((e) => !killed.has(e.split(':')[0]!))).toEqual([]);
    const audit = (await gw.call('GET', '/v1/audit?limit=1000')).body as unknown as { action: string; target: string; outcome: string; actor: string }[];
    expect(audit.filter((a) => a.outcome === 'succeeded').map((a) => a.action)).toEqual(expect.arrayContaining(['add-member', 'remove-member', 'transfer-leader']));
    expect(audit.filter((a) => a.outcome === 'refused').length).toBeGreaterThanOrEqual(4);
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['e2e (admin)', 'anonymous', 'invalid token']));
    expect(audit.filter((a) => a.actor !== 'e2e (admin)').map((a) => a.outcome).sort()).toEqual(['forbidden', 'unauthorized', 'unauthorized']);
  });
});
