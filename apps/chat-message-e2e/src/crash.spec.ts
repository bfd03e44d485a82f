import { ChatProcess, ChatStores, RaftCluster, devToken, http, sleep, syncAll, takePorts, waitFor } from './harness';

/**
 * Appends straight to the raft cluster as a client must: a 503 (no leader for a moment — a
 * loaded CI machine can miss an election timeout) or 504 (outcome unknown) is retried with
 * the same (sender, clientMsgId), which the stream appends at most once.
 */
async function appendRaw(url: string, body: Record<string, string>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if ((r.status === 503 || r.status === 504) && attempt < 50) {
      await sleep(100);
      continue;
    }
    expect(r.status).toBe(200);
    return ((await r.json()) as { revision: number }).revision;
  }
}

/**
 * kill -9 the chat service while it projects a backlog, restart it, and check that the
 * projection and the inboxes hold every message exactly once, in order.
 */
describe('chat-service crash mid-projection', () => {
  const base = takePorts();
  const cluster = new RaftCluster(base);
  const stores = new ChatStores();
  let chat: ChatProcess;
  const N = 250;

  beforeAll(async () => {
    await stores.open();
    await cluster.start();
    chat = new ChatProcess(base + 50, { RAFT_NODES: cluster.httpNodes(), DB_SCHEMA: stores.schema, REDIS_PREFIX: stores.redisPrefix, FANOUT_THRESHOLD: '3' });
    await chat.start();
  }, 120_000);

  afterAll(async () => {
    await chat?.stop();
    await cluster.stop();
    await stores.drop();
  });

  it('recovers exactly: nothing lost, nothing duplicated, inboxes gapless', async () => {
    const tokens: Record<string, string> = {};
    for (const u of ['ann', 'ben', 'cat', 'dan']) tokens[u] = await devToken(chat.base, u);
    const mk = async (members: string[]) =>
      (await http<{ id: string; mode: string }>(chat.base, 'POST', '/v1/conversations', { token: tokens['ann'], body: { kind: 'group', members } })).body;
    const small = await mk(['ben', 'cat']);
    const large = await mk(['ben', 'cat', 'dan']);
    expect([small.mode, large.mode]).toEqual(['write', 'read']);

    // The service is down while the backlog is committed directly to raft.
    await chat.kill();
    const revisions: number[] = [];
    for (let i = 1; i <= N; i += 25) {
      const batch = [];
      for (let j = i; j < i + 25 && j <= N; j++) {
        for (const conv of [small.id, large.id]) {
          batch.push(
            appendRaw(cluster.url(1 + (j % 3), `/v1/streams/${conv}/append`), {
              sender: ['ann', 'ben', 'cat'][j % 3],
              clientMsgId: `raw-${j}`,
              msgId: `${conv}-${j}`,
              body: `backlog ${j}`,
            }).then((revision) => void revisions.push(revision)),
          );
        }
      }
      await Promise.all(batch);
    }
    const count = async (): Promise<number> => Number((await stores.query<{ n: string }>(`SELECT count(*) AS n FROM $schema.messages`))[0]!.n);
    expect(await count()).toBe(0);

    // Restart, and kill -9 as soon as the projection is under way.
    const starting = chat.start();
    const atKill = await waitFor('projection under way', async () => {
      const n = await count();
      return n >= 5 ? n : null;
    }, 30_000, 2);
    await chat.kill();
    await starting.catch(() => undefined);
    const afterKill = await count();
    expect(atKill).toBeLessThan(2 * N);
    expect(afterKill).toBeLessThan(2 * N); // really interrupted mid-way

    await chat.start();
    await waitFor('full projection', async () => (await count()) === 2 * N, 60_000, 50);

    for (const conv of [small.id, large.id]) {
      const rows = await stores.query<{ seq: string; msg_id: string; body: string }>(`SELECT seq, msg_id, body FROM $schema.messages WHERE conversation_id = $1 ORDER BY seq`, [conv]);
      // Exactly what raft committed (appends within a batch raced, so raft decided the order).
      const raft = (await (await fetch(cluster.url(1, `/v1/streams/${conv}/messages?limit=1000&consistency=linearizable`))).json()) as {
        messages: { seq: number; msgId: string; body: string }[];
      };
      expect(raft.messages.map((m) => m.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      expect(new Set(raft.messages.map((m) => m.msgId)).size).toBe(N);
      expect(rows.map((r) => [Number(r.seq), r.msg_id, r.body])).toEqual(raft.messages.map((m) => [m.seq, m.msgId, m.body]));
    }
    const state = await stores.query<{ id: string; last_seq: string; fanned_out_seq: string }>(`SELECT id, last_seq, fanned_out_seq FROM $schema.conversations`);
    expect(state.map((s) => [Number(s.last_seq), Number(s.fanned_out_seq)])).toEqual([
      [N, N],
      [N, N],
    ]);
    await waitFor('watermark persisted', async () => {
      const r = await stores.query<{ revision: string }>(`SELECT revision FROM $schema.projection_state`);
      return Number(r[0]!.revision) >= Math.max(...revisions);
    });
    // Each member of the write-fan-out conversation has each message exactly once, in order, at pts 1..N.
    for (const u of ['ann', 'ben', 'cat']) {
      const raw = await stores.redis.zrange(`${stores.redisPrefix}inbox:${u}`, 0, -1, 'WITHSCORES');
      const refs: [string, number][] = [];
      for (let i = 0; i < raw.length; i += 2) refs.push([raw[i]!, Number(raw[i + 1])]);
      expect(refs).toEqual(Array.from({ length: N }, (_, i) => [`${small.id}:${i + 1}`, i + 1]));
    }
    expect(await stores.redis.zcard(`${stores.redisPrefix}inbox:dan`)).toBe(0);
    // And a client pulling its feed sees both conversations complete.
    const ann = await syncAll(chat.base, tokens['ann']!);
    for (const conv of [small.id, large.id]) {
      expect(ann.messages.filter((m) => m.conversationId === conv).map((m) => m.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    }
  });
});
