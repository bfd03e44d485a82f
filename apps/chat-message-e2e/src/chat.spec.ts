import { encodeSessionForTest, ChatProcess, ChatStores, RaftCluster, TestWsClient, devToken, http, sleep, syncAll, takePorts, waitFor, type Msg } from './harness';

/**
 * One raft cluster, two chat instances (A projects; B only serves), real PostgreSQL and
 * Redis. FANOUT_THRESHOLD=3: conversations with more than 3 members use read fan-out.
 */
describe('chat-message on a real raft cluster', () => {
  const base = takePorts();
  const cluster = new RaftCluster(base);
  const stores = new ChatStores();
  let a: ChatProcess;
  let b: ChatProcess;
  const tokens: Record<string, string> = {};
  const clients: TestWsClient[] = [];

  const env = (): Record<string, string> => ({
    RAFT_NODES: cluster.httpNodes(),
    DB_SCHEMA: stores.schema,
    REDIS_PREFIX: stores.redisPrefix,
    FANOUT_THRESHOLD: '3',
    CONSISTENCY_WAIT_MS: '600',
    SYNC_PAGE_LIMIT: '50',
    RATE_USER_PER_SEC: '1000',
    RATE_CONVERSATION_PER_SEC: '1000',
  });

  const send = async (via: ChatProcess, user: string, conv: string, body: string, clientMsgId = `${user}-${Math.random()}`) =>
    http<{ seq: number; msgId: string; duplicate: boolean; revision: number; error?: string }>(via.base, 'POST', `/v1/conversations/${conv}/messages`, {
      token: tokens[user],
      body: { clientMsgId, body },
    });

  /**
   * A read in a session, retried on 503 as a client obeying Retry-After would: a 503 means the
   * projection had not reached the session's revision within CONSISTENCY_WAIT_MS (600 ms here,
   * so that the 503 test is quick), and a loaded CI machine can need more than one wait.
   */
  const readInSession = async <T,>(via: ChatProcess, path: string, token: string, session: string) => {
    let r = await http<T>(via.base, 'GET', path, { token, session });
    for (let retry = 0; r.status === 503 && retry < 20; retry++) r = await http<T>(via.base, 'GET', path, { token, session });
    return r;
  };

  const create = async (user: string, kind: 'direct' | 'group', members: string[]): Promise<string> => {
    const r = await http<{ id: string }>(a.base, 'POST', '/v1/conversations', { token: tokens[user], body: { kind, members, title: `${kind} of ${user}` } });
    expect([200, 201]).toContain(r.status);
    return r.body.id;
  };

  const ws = async (via: ChatProcess, user: string, startAfter: Record<string, number> = {}): Promise<TestWsClient> => {
    const c = new TestWsClient(via.base, tokens[user]!, startAfter);
    clients.push(c);
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    await stores.open();
    await cluster.start();
    a = new ChatProcess(base + 50, { ...env(), INSTANCE_ID: 'A' });
    b = new ChatProcess(base + 51, { ...env(), INSTANCE_ID: 'B', PROJECTION_ENABLED: 'false' });
    await a.start();
    await b.start();
    for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory']) tokens[u] = await devToken(a.base, u);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await a?.stop();
    await b?.stop();
    await cluster.stop();
    await stores.drop();
  });

  afterEach(() => {
    for (const c of clients) expect(c.violations).toEqual([]);
  });

  it('refuses bad tokens, non-members, unknown conversations, oversized bodies and bad input', async () => {
    const conv = await create('alice', 'group', ['bob']);
    expect((await http(a.base, 'GET', '/v1/conversations')).status).toBe(401);
    const forged = await http(a.base, 'GET', '/v1/conversations', { token: `${tokens['alice']!.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.body['error']).toMatch(/invalid token/);
    const outsider = await send(a, 'mallory', conv, 'let me in');
    expect(outsider.status).toBe(403);
    expect(outsider.body).toEqual({ error: 'not a member of this conversation' });
    expect((await http(a.base, 'GET', `/v1/conversations/${conv}/messages`, { token: tokens['mallory'] })).status).toBe(403);
    const unknown = await send(a, 'alice', '999999', 'hello?');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'unknown conversation' });
    const big = await send(a, 'alice', conv, 'x'.repeat(4097));
    expect(big.status).toBe(413);
    expect(big.body['error']).toBe('body is larger than 4096 bytes');
    const bad = await http(a.base, 'POST', `/v1/conversations/${conv}/messages`, { token: tokens['alice'], body: { body: 'no id' } });
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toMatch(/clientMsgId/);
    // Direct conversations are unique per pair and have fixed membership.
    const d1 = await create('alice', 'direct', ['bob']);
    const again = await http<{ id: string }>(a.base, 'POST', '/v1/conversations', { token: tokens['bob'], body: { kind: 'direct', members: ['alice'] } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(d1);
    expect((await http(a.base, 'POST', `/v1/conversations/${d1}/join`, { token: tokens['carol'] })).status).toBe(409);
    // Leaving takes away access.
    expect((await http(a.base, 'POST', `/v1/conversations/${conv}/leave`, { token: tokens['bob'] })).status).toBe(204);
    expect((await send(a, 'bob', conv, 'still here?')).status).toBe(403);
    expect((await http(a.base, 'POST', `/v1/conversations/${conv}/join`, { token: tokens['bob'] })).status).toBe(200);
    expect((await send(a, 'bob', conv, 'back')).status).toBe(201);
  });

  it('numbers sends gaplessly and answers a retry with the original message', async () => {
    const conv = await create('alice', 'group', ['bob']);
    const first = await send(a, 'alice', conv, 'one', 'retry-1');
    expect(first.status).toBe(201);
    expect(first.body.seq).toBe(1);
    expect(first.body.duplicate).toBe(false);
    const retry = await send(b, 'alice', conv, 'one', 'retry-1');
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ seq: 1, msgId: first.body.msgId, duplicate: true });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2 ? a : b, i % 3 ? 'alice' : 'bob', conv, `m${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(results.map((r) => r.body.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(new Set(results.map((r) => r.body.msgId)).size).toBe(20);
    // The projection holds exactly seqs 1..21, once each.
    const strong = await http<{ messages: Msg[]; lastSeq: number; source: string }>(a.base, 'GET', `/v1/conversations/${conv}/messages?consistency=strong&limit=100`, {
      token: tokens['bob'],
    });
    expect(strong.body.source).toBe('leader');
    expect(strong.body.messages.map((m) => m.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const newest = results.reduce((x, y) => (y.body.seq > x.body.seq ? y : x));
    const session = newest.headers.get('x-session-token')!;
    const projected = await readInSession<{ messages: Msg[]; source: string }>(b, `/v1/conversations/${conv}/messages?limit=100`, tokens['bob']!, session);
    expect(projected.status).toBe(200);
    expect(projected.body.source).toBe('projection');
    expect(projected.body.messages.map((m) => [m.seq, m.msgId, m.body])).toEqual(strong.body.messages.map((m) => [m.seq, m.msgId, m.body]));
  });

  it('gives the same messages in the same order with write and with read fan-out', async () => {
    const small = await create('alice', 'group', ['bob', 'carol']); // 3 members: write fan-out
    const large = await create('alice', 'group', ['bob', 'carol', 'dave']); // 4 members: read fan-out
    const conv = async (id: string) => (await http<{ mode: string }>(a.base, 'GET', `/v1/conversations/${id}`, { token: tokens['alice'] })).body;
    expect((await conv(small)).mode).toBe('write');
    expect((await conv(large)).mode).toBe('read');
    const carolLive = await ws(b, 'carol');
    const cursorBefore = (await syncAll(a.base, tokens['bob']!)).cursor;
    const bodies = Array.from({ length: 30 }, (_, i) => `body-${i}`);
    for (const [i, body] of bodies.entries()) {
      const sender = ['alice', 'bob', 'carol'][i % 3]!;
      const [r1, r2] = await Promise.all([send(a, sender, small, body), send(b, sender, large, body)]);
      expect([r1.status, r2.status]).toEqual([201, 201]);
    }
    await carolLive.waitForSeq(small, 30);
    await carolLive.waitForSeq(large, 30);
    // Pull (small pages so both inbox and merge paths paginate).
    const bob = await syncAll(b.base, tokens['bob']!, cursorBefore, 7);
    expect(bob.pages).toBeGreaterThan(8);
    const view = (msgs: Msg[], id: string) => msgs.filter((m) => m.conversationId === id).map((m) => [m.seq, m.sender, m.body]);
    const expected = bodies.map((body, i) => [i + 1, ['alice', 'bob', 'carol'][i % 3], body]);
    expect(view(bob.messages, small)).toEqual(expected);
    expect(view(bob.messages, large)).toEqual(expected);
    expect(new Set(bob.messages.filter((m) => m.conversationId === small).map((m) => m.mode))).toEqual(new Set(['write']));
    expect(new Set(bob.messages.filter((m) => m.conversationId === large).map((m) => m.mode))).toEqual(new Set(['read']));
    // Push gave carol exactly the same.
    expect(view(carolLive.received, small)).toEqual(expected);
    expect(view(carolLive.received, large)).toEqual(expected);
    // Write fan-out wrote one inbox reference per member; read fan-out wrote none.
    const inbox = await stores.redis.zrange(`${stores.redisPrefix}inbox:dave`, 0, -1);
    expect(inbox.filter((r) => r.startsWith(`${large}:`))).toEqual([]);
    expect((await stores.redis.zrange(`${stores.redisPrefix}inbox:bob`, 0, -1)).filter((r) => r.startsWith(`${small}:`))).toHaveLength(30);
    // A sync with nothing new is empty and keeps the cursor.
    const again = await http<{ messages: Msg[]; cursor: string }>(b.base, 'GET', `/v1/sync?cursor=${bob.cursor}`, { token: tokens['bob'] });
    expect(again.body.messages).toEqual([]);
    expect(again.body.cursor).toBe(bob.cursor);
  });

  it('switches a growing conversation from write to read fan-out without losing or repeating a message', async () => {
    const conv = await create('alice', 'group', ['bob', 'carol']);
    const bobLive = await ws(b, 'bob');
    let last: Awaited<ReturnType<typeof send>> | null = null;
    const senders = async (from: number, to: number) => {
      for (let i = from; i <= to; i++) {
        last = await send(i % 2 ? a : b, i % 2 ? 'alice' : 'carol', conv, `growing ${i}`);
        expect(last.status).toBe(201);
      }
    };
    await senders(1, 10);
    // Wait until the first 10 are projected, then grow past the threshold while sending.
    await http(a.base, 'GET', `/v1/conversations/${conv}/messages`, { token: tokens['alice'], session: last!.headers.get('x-session-token')! });
    const grow = http(a.base, 'POST', `/v1/conversations/${conv}/members`, { token: tokens['alice'], body: { userIds: ['dave', 'erin'] } });
    await Promise.all([senders(11, 20), grow]);
    await senders(21, 25); // the switch happens at the latest when seq 21 is projected
    await bobLive.waitForSeq(conv, 25);
    const info = (await http<{ mode: string; switchSeq: number; memberCount: number }>(a.base, 'GET', `/v1/conversations/${conv}`, { token: tokens['alice'] })).body;
    expect(info.mode).toBe('read');
    expect(info.memberCount).toBe(5);
    expect(info.switchSeq).toBeGreaterThanOrEqual(10);
    expect(info.switchSeq).toBeLessThanOrEqual(20);
    const all = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(bobLive.seqs(conv)).toEqual(all);
    const modes = bobLive.received.filter((m) => m.conversationId === conv).map((m) => m.mode);
    expect(modes).toEqual(all.map((s) => (s <= info.switchSeq ? 'write' : 'read')));
    for (const user of ['alice', 'carol']) {
      const pulled = await syncAll(a.base, tokens[user]!);
      expect(pulled.messages.filter((m) => m.conversationId === conv).map((m) => m.seq)).toEqual(all);
    }
    // New members see what came after they joined, gaplessly.
    const dave = (await syncAll(b.base, tokens['dave']!)).messages.filter((m) => m.conversationId === conv).map((m) => m.seq);
    expect(dave.length).toBeGreaterThan(0);
    expect(dave).toEqual(Array.from({ length: dave.length }, (_, i) => 25 - dave.length + 1 + i));
  });

  it('fills exactly the gap when a client reconnects with its cursor, then continues live', async () => {
    const conv = await create('bob', 'group', ['alice']);
    const big = await create('bob', 'group', ['alice', 'carol', 'dave']);
    const alice = await ws(a, 'alice');
    for (let i = 1; i <= 5; i++) {
      expect((await send(b, 'bob', conv, `before ${i}`)).status).toBe(201);
      expect((await send(b, 'bob', big, `before ${i}`)).status).toBe(201);
    }
    await alice.waitForSeq(conv, 5);
    await alice.waitForSeq(big, 5);
    await alice.close();
    let lastSend: Awaited<ReturnType<typeof send>> | null = null;
    for (let i = 6; i <= 12; i++) {
      expect((await send(b, 'bob', conv, `offline ${i}`)).status).toBe(201);
      lastSend = await send(b, 'bob', big, `offline ${i}`);
      expect(lastSend.status).toBe(201);
    }
    // Read-your-writes: once this returns, everything sent while offline is projected, so
    // the resume must deliver all of it through sync.
    const caughtUp = await readInSession<{ messages: Msg[] }>(a, `/v1/conversations/${big}/messages?afterSeq=11`, tokens['bob']!, lastSend!.headers.get('x-session-token')!);
    expect(caughtUp.body.messages.map((m) => m.seq)).toEqual([12]);
    const framesBefore = alice.frames.length;
    await alice.connect(); // same client, same cursor: resume on the other instance would work too
    const resumed = alice.frames.slice(framesBefore).filter((f) => f.event === 'sync').flatMap((f) => f.data.messages ?? []);
    expect(resumed.filter((m) => m.conversationId === conv).map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(resumed.filter((m) => m.conversationId === big).map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    for (let i = 13; i <= 15; i++) expect((await send(a, 'bob', conv, `live ${i}`)).status).toBe(201);
    await alice.waitForSeq(conv, 15);
    expect(alice.seqs(conv)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(alice.seqs(big)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('delivers across instances, by long-poll and by SSE, and counts unread messages', async () => {
    const conv = await create('alice', 'group', ['erin']);
    // Long-poll on B waits, and a send on A wakes it.
    const start = (await syncAll(b.base, tokens['erin']!)).cursor;
    const started = Date.now();
    const poll = http<{ messages: Msg[]; cursor: string }>(b.base, 'GET', `/v1/sync?cursor=${start}&timeout=10000`, { token: tokens['erin'] });
    await sleep(300);
    expect((await send(a, 'alice', conv, 'wake up')).status).toBe(201);
    const woke = await poll;
    expect(woke.status).toBe(200);
    expect(woke.body.messages.map((m) => [m.seq, m.body])).toEqual([[1, 'wake up']]);
    expect(Date.now() - started).toBeLessThan(5000);
    // SSE on B.
    const ctrl = new AbortController();
    const res = await fetch(`${b.base}/v1/events?access_token=${tokens['erin']}&cursor=${woke.body.cursor}`, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    let text = '';
    const reader = res.body!.getReader();
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await waitFor('sse ready', async () => text.includes('event: ready'));
    expect((await send(a, 'alice', conv, 'over sse')).status).toBe(201);
    await waitFor('sse message', async () => text.includes('over sse'));
    const frame = text.split('\n\n').find((f) => f.includes('event: message'))!;
    expect(frame).toMatch(/^id: c1\./m);
    expect(JSON.parse(frame.split('\n').find((l) => l.startsWith('data: '))!.slice(6))).toMatchObject({ conversationId: conv, seq: 2, body: 'over sse', sender: 'alice' });
    ctrl.abort();
    await pump;
    // Unread counts and read receipts.
    const listed = await http<{ conversations: { id: string; unread: number; lastSeq: number }[] }>(b.base, 'GET', '/v1/conversations', { token: tokens['erin'] });
    expect(listed.body.conversations.find((c) => c.id === conv)).toMatchObject({ unread: 2, lastSeq: 2 });
    const aliceLive = await ws(a, 'alice');
    const read = await http<{ unread: number; readSeq: number }>(b.base, 'POST', `/v1/conversations/${conv}/read`, { token: tokens['erin'], body: { seq: 1 } });
    expect(read.body).toMatchObject({ unread: 1, readSeq: 1 });
    await waitFor('receipt', async () => aliceLive.frames.find((f) => f.event === 'receipt' && f.data['userId'] === 'erin' && f.data['conversationId'] === conv));
    // Receipts never go backwards.
    const back = await http<{ readSeq: number }>(b.base, 'POST', `/v1/conversations/${conv}/read`, { token: tokens['erin'], body: { seq: 0 } });
    expect(back.body.readSeq).toBe(1);
  });

  it('reads your writes across instances, and answers 503 rather than serve older data', async () => {
    const conv = await create('carol', 'group', ['dave']);
    const sent = await send(a, 'carol', conv, 'mine');
    const session = sent.headers.get('x-session-token')!;
    expect(session).toMatch(/^s1\./);
    const read = await readInSession<{ messages: Msg[] }>(b, `/v1/conversations/${conv}/messages`, tokens['carol']!, session);
    expect(read.status).toBe(200);
    expect(read.body.messages.map((m) => m.body)).toEqual(['mine']);
    // A session that has seen a revision the projection will not reach in time.
    const future = encodeSessionForTest(10_000_000);
    const t0 = Date.now();
    const behind = await http(b.base, 'GET', `/v1/conversations/${conv}/messages`, { token: tokens['carol'], session: future });
    expect(behind.status).toBe(503);
    expect(behind.headers.get('retry-after')).toBe('1');
    expect(behind.body['error']).toMatch(/^projection is behind this session \(needs revision 10000000, projected \d+\)/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    const syncBehind = await http(b.base, 'GET', '/v1/sync', { token: tokens['carol'], session: future });
    expect(syncBehind.status).toBe(503);
    // An explicitly eventual read is served (from a raft follower replica) without waiting.
    const eventual = await http<{ messages: Msg[]; source: string }>(b.base, 'GET', `/v1/conversations/${conv}/messages?consistency=eventual`, { token: tokens['carol'], session: future });
    expect(eventual.status).toBe(200);
    expect(eventual.body.source).toBe('replica');
    expect((await http(b.base, 'GET', `/v1/conversations/${conv}/messages`, { token: tokens['carol'], session: 'garbage' })).status).toBe(400);
    expect((await http(b.base, 'GET', '/v1/sync?cursor=nope', { token: tokens['carol'] })).status).toBe(400);
  });
});
