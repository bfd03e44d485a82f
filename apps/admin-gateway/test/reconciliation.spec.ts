import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { FakeCluster, sleep } from './fake-cluster';
import { database, dropSchema, startGateway, testSchema } from './gateway-app';

type Op = { id: string; status: string; phase: string; error: string | null; steps: { phase: string; detail?: string }[] };

/**
 * A gateway that stopped (crash, kill -9, deploy) while an operation was running settles it
 * at its next start from the cluster's true state, or resumes following it if the cluster is
 * still carrying it out — with the operation rows in a real PostgreSQL.
 */
describe('reconciliation of interrupted operations after a gateway restart (real PostgreSQL)', () => {
  const fake = new FakeCluster();
  const schema = testSchema('reconcile');
  let db: DataSource;
  let app: INestApplication | null = null;
  let n = 0;

  /** Leaves a "running" operation behind as a gateway that died would have. */
  const interrupted = async (kind: string, target: string, params: Record<string, unknown>): Promise<string> => {
    const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    await db.query(
      `INSERT INTO "${schema}"."operations" (id, kind, target, params, status, phase, steps, actor)
       VALUES ($1, $2, $3, $4, 'running', 'accepted', $5, 'admin')`,
      [id, kind, target, JSON.stringify(params), JSON.stringify([{ phase: 'requested', at: new Date().toISOString() }, { phase: 'accepted', at: new Date().toISOString() }])],
    );
    return id;
  };
  const restart = async (): Promise<INestApplication> => {
    await app?.close();
    app = await startGateway(fake.http('n1'), schema);
    return app;
  };
  const get = async (id: string): Promise<Op> => (await request(app!.getHttpServer()).get(`/v1/operations/${id}`).expect(200)).body as Op;

  beforeAll(async () => {
    await dropSchema(schema);
    await fake.start(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    db = await database();
    await restart(); // creates the schema (migrations run on start)
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fake.stop();
    await db?.destroy();
    await dropSchema(schema);
  }, 30_000);

  beforeEach(() => {
    Object.assign(fake.state, { leader: 'n1', voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [], membership: null, configChangeInProgress: false });
  });

  it('a voter addition whose target is now a voter succeeded', async () => {
    const id = await interrupted('add-member', 'n4', { role: 'voter' });
    fake.state.voters = ['n1', 'n2', 'n3', 'n4'];
    await restart();
    const op = await get(id);
    expect(op).toMatchObject({ status: 'succeeded', phase: 'succeeded', error: null });
    expect(op.steps.at(-1)).toMatchObject({ phase: 'succeeded', detail: 'reconciled after gateway restart: n4 is a voter' });
  });

  it('a voter addition whose target is still a learner is reported interrupted', async () => {
    const id = await interrupted('add-member', 'n5', { role: 'voter' });
    fake.state.learners = ['n5'];
    await restart();
    expect(await get(id)).toMatchObject({ status: 'interrupted', error: 'reconciled after gateway restart: interrupted: n5 is a learner' });
  });

  it('an addition whose target is absent failed; a removal whose target is still a member failed', async () => {
    const add = await interrupted('add-member', 'n6', { role: 'learner' });
    await restart();
    expect(await get(add)).toMatchObject({ status: 'failed', error: 'reconciled after gateway restart: n6 is not a member' });
    const remove = await interrupted('remove-member', 'n2', {});
    await restart();
    expect(await get(remove)).toMatchObject({ status: 'failed', error: 'reconciled after gateway restart: n2 is still a voter' });
  });

  it('a transfer is settled by who leads now', async () => {
    const id = await interrupted('transfer-leader', 'n1', {});
    await restart();
    expect(await get(id)).toMatchObject({ status: 'succeeded', error: null });
  });

  it('a change the cluster is still carrying out is followed again until it settles', async () => {
    const id = await interrupted('add-member', 'n4', { role: 'voter' });
    fake.state.learners = ['n4'];
    fake.state.configChangeInProgress = true;
    fake.state.membership = { change: { kind: 'add-voter', id: 'n4' }, phase: 'catching-up', round: 2, error: null };
    await restart();
    const resumed = await get(id);
    expect(resumed.status).toBe('running');
    expect(resumed.steps.map((s) => s.phase)).toContain('resumed after gateway restart');
    // A new request is refused meanwhile: the resumed operation still runs.
    const conflict = await request(app!.getHttpServer()).delete('/v1/cluster/members/n3').set('Authorization', 'Bearer unit-test-admin-token').expect(409);
    expect(conflict.body).toEqual({ error: `operation ${id} (add-member n4) is still running` });
    await sleep(100);
    Object.assign(fake.state, { learners: [], voters: ['n1', 'n2', 'n3', 'n4'], configChangeInProgress: false, membership: { change: { kind: 'add-voter', id: 'n4' }, phase: 'done', round: 2, error: null } });
    const deadline = Date.now() + 5000;
    let op = await get(id);
    while (op.status === 'running' && Date.now() < deadline) {
      await sleep(20);
      op = await get(id);
    }
    expect(op).toMatchObject({ status: 'succeeded', error: null });
    expect(op.steps.map((s) => s.phase).slice(-4)).toEqual(['resumed after gateway restart', 'catching-up (round 2)', 'done', 'succeeded']);
  });

  it('records every reconciliation in the audit log', async () => {
    const audit = (await request(app!.getHttpServer()).get('/v1/audit?limit=1000').expect(200)).body as { outcome: string; target: string; detail: { detail?: string } }[];
    expect(audit.filter((a) => a.detail.detail?.startsWith('reconciled after gateway restart')).map((a) => [a.target, a.outcome])).toEqual([
      ['n1', 'succeeded'],
      ['n2', 'failed'],
      ['n6', 'failed'],
      ['n5', 'interrupted'],
      ['n4', 'succeeded'],
    ]);
  });
});
