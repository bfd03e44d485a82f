/**
 * Chat benchmark (run: `npx tsx tools/bench/src/chat-bench.ts [--clients 1000] [--messages 200]
 * [--sizes 10,100,1000,10000]`). Starts a 3-node raft cluster and the chat service (from
 * dist/, built by the cluster CLI), on a private PostgreSQL schema and Redis prefix, and
 * measures:
 *   1. send → delivered latency (p50/p99) to N WebSocket clients in one conversation, and
 *      sustained deliveries per second;
 *   2. write vs read fan-out cost as a conversation grows: inbox writes per message (write
 *      amplification), send → projected time, and a member's sync read latency.
 * Writes tools/bench/results/chat.md and chat.svg.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';

const root = resolve(__dirname, '..', '..', '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const CLIENTS = Number(arg('clients', '1000'));
const MESSAGES = Number(arg('messages', '200'));
const RATE = Number(arg('rate', '50'));
const SIZES = arg('sizes', '10,100,1000,10000').split(',').map(Number);
const BASE = Number(arg('base-port', '37000'));
/** Skip the fan-out table (for quick profiling runs of the latency part). */
const LATENCY_ONLY = process.argv.includes('--latency-only');
/** Write a CPU profile of the chat process into this directory (`--cpu-prof`). */
const PROFILE_DIR = arg('profile', '');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function until<T>(what: string, fn: () => Promise<T | null | false | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    await sleep(50);
  }
  throw new Error(`timed out: ${what}`);
}

async function http<T>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}


/** Source of a preload that CPU-profiles its process until SIGTERM, then writes `DIR/CPU.chat.<pid>.cpuprofile`. */
function profilePreload(dir: string): string {
  return [
    "const { Session } = require('node:inspector');",
    "const { writeFileSync } = require('node:fs');",
    'const session = new Session();',
    'session.connect();',
    "session.post('Profiler.enable');",
    "session.post('Profiler.start');",
    'function writeProfile() {',
    "  process.removeListener('SIGTERM', writeProfile);",
    // In-process inspector sessions answer synchronously: the file exists when post returns.
    "  session.post('Profiler.stop', (err, result) => {",
    `    if (err) console.error('profile not written:', err.message);`,
    `    else writeFileSync(${JSON.stringify(dir)} + '/CPU.chat.' + process.pid + '.cpuprofile', JSON.stringify(result.profile));`,
    '  });',
    '}',
    "process.on('SIGTERM', writeProfile);",
    '',
  ].join('\n');
}

class Stack {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  readonly schema = `chat_bench_${Date.now().toString(36)}`;
  readonly prefix = `chat-bench:${Date.now().toString(36)}:`;
  private cluster: ChildProcess | null = null;
  private chat: ChildProcess | null = null;
  readonly chatBase = `http://127.0.0.1:${BASE + 50}`;

  async startCluster(): Promise<void> {
    let out = '';
    this.cluster = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'tools/cluster/src/main.ts'), 'up', '--nodes', '3', '--base-port', String(BASE), '--data-dir', this.dataDir, '--no-services'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.cluster.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    this.cluster.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await until('cluster', async () => /cluster of \d+ nodes is up/.test(out));
  }

  async startChat(threshold: number): Promise<void> {
    await this.stopChat();
    this.chat = spawn(process.execPath, [...this.chatNodeArgs(), join(root, 'dist/apps/chat-message/src/main.js')], {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        PORT: String(BASE + 50),
        RAFT_NODES: [1, 2, 3].map((i) => `127.0.0.1:${BASE + i}`).join(','),
        JWT_SECRET: 'bench-secret-123',
        DB_SCHEMA: this.schema,
        REDIS_PREFIX: this.prefix,
        FANOUT_THRESHOLD: String(threshold),
        RATE_USER_PER_SEC: '100000',
        RATE_CONVERSATION_PER_SEC: '100000',
        MAX_CONNECTIONS_PER_USER: '5',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await until('chat', async () => (await fetch(`${this.chatBase}/health`)).status === 200);
  }

  /**
   * Extra Node.js flags for the chat process: `CHAT_NODE_ARGS` (space-separated) and, with
   * `--profile DIR`, a CPU profile. `--cpu-prof` would write only on a normal exit, but Nest's
   * shutdown hook ends the process by re-raising SIGTERM; so a preloaded script profiles
   * through the in-process inspector and writes the profile when SIGTERM arrives (its
   * listener runs before Nest's and removes itself, so the re-raised signal still ends it).
   */
  private chatNodeArgs(): string[] {
    const args = (process.env['CHAT_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
    if (PROFILE_DIR) {
      const preload = join(this.dataDir, 'profile-until-sigterm.cjs');
      mkdirSync(resolve(PROFILE_DIR), { recursive: true });
      writeFileSync(preload, profilePreload(resolve(PROFILE_DIR)));
      args.push('--require', preload);
    }
    return args;
  }

  async stopChat(): Promise<void> {
    const c = this.chat;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await gone;
  }

  async stop(): Promise<void> {
    await this.stopChat();
    if (this.cluster && this.cluster.exitCode === null) {
      const gone = new Promise<void>((r) => this.cluster!.once('exit', () => r()));
      this.cluster.kill('SIGTERM');
      await gone;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    const ds = new DataSource({ type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', password: 'postgres', database: 'test' });
    await ds.initialize();
    await ds.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await ds.destroy();
    const redis = new Redis('redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }

  async token(user: string): Promise<string> {
    return (await http<{ token: string }>(this.chatBase, 'POST', '/v1/dev/token', undefined, { userId: user })).body.token;
  }

  async conversation(owner: string, ownerToken: string, members: number, tag: string): Promise<string> {
    const id = (await http<{ id: string }>(this.chatBase, 'POST', '/v1/conversations', ownerToken, { kind: 'group', members: [], title: tag })).body.id;
    for (let i = 0; i < members - 1; i += 1000) {
      const userIds = Array.from({ length: Math.min(1000, members - 1 - i) }, (_, j) => `${tag}-u${i + j}`);
      const r = await http(this.chatBase, 'POST', `/v1/conversations/${id}/members`, ownerToken, { userIds });
      if (r.status !== 200) throw new Error(`add members: ${r.status}`);
    }
    void owner;
    return id;
  }

  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.chatBase}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }
}

interface LatencyResult {
  clients: number;
  messages: number;
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  deliveriesPerSec: number;
  sendP50: number;
  /** Send → the first client has it (the broadcast's start), per message. */
  firstP50: number;
  firstP99: number;
  /** First → last client of one message (the broadcast's duration), per message. */
  spreadP50: number;
  spreadP99: number;
  /** The slowest messages: where their time went. */
  worst: string;
}

async function latency(stack: Stack): Promise<LatencyResult> {
  const ownerToken = await stack.token('owner');
  const conv = await stack.conversation('owner', ownerToken, CLIENTS + 1, 'lat');
  // Warm-up: the first message after growing the conversation switches it to read fan-out.
  await http(stack.chatBase, 'POST', `/v1/conversations/${conv}/messages`, ownerToken, { clientMsgId: 'warmup', body: 'warmup' });
  const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => stack.token(`lat-u${i}`)));
  // Message i is sent with body `bench i` at sentAt[i]; receipt times per message give the
  // spread of one broadcast (first socket → last socket).
  const sentAt: number[] = [];
  const firstAt: number[] = [];
  const lastAt: number[] = [];
  const lat: number[] = [];
  let deliveries = 0;
  const record = (i: number, now: number): void => {
    const at = sentAt[i];
    if (at === undefined) return;
    lat.push(now - at);
    deliveries++;
    firstAt[i] = Math.min(firstAt[i] ?? Infinity, now);
    lastAt[i] = Math.max(lastAt[i] ?? 0, now);
  };
  const marker = Buffer.from('"body":"bench ');
  const sockets: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i += 100) {
    await Promise.all(
      tokens.slice(i, i + 100).map(
        (t) =>
          new Promise<void>((ok, fail) => {
            const ws = new WebSocket(`${stack.chatBase.replace('http', 'ws')}/v1/ws?access_token=${t}`);
            sockets.push(ws);
            ws.on('message', (d: Buffer) => {
              const now = performance.now();
              // A live push carries one message: read its number straight from the bytes, so
              // that 1,000 sockets' worth of receipts cost the client no JSON parsing.
              if (d.subarray(0, 18).toString() === '{"event":"message"') {
                let at = d.indexOf(marker);
                if (at < 0) return;
                let n = 0;
                for (at += marker.length; d[at]! >= 0x30 && d[at]! <= 0x39; at++) n = n * 10 + d[at]! - 0x30;
                record(n, now);
                return;
              }
              const f = JSON.parse(d.toString()) as { event: string; data: { messages?: { body: string }[] } };
              if (f.event === 'ready') ok();
              if (f.event === 'sync') for (const m of f.data.messages ?? []) if (m.body.startsWith('bench ')) record(Number(m.body.slice(6)), now);
            });
            ws.on('error', fail);
          }),
      ),
    );
  }
  const sendLat: number[] = [];
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const body = `bench ${i}`;
    const t0 = performance.now();
    sentAt[i] = t0;
    pending.push(
      http(stack.chatBase, 'POST', `/v1/conversations/${conv}/messages`, ownerToken, { clientMsgId: `b${i}`, body }).then((r) => {
        if (r.status !== 201) throw new Error(`send ${r.status}`);
        sendLat.push(performance.now() - t0);
      }),
    );
    await sleep(1000 / RATE);
  }
  await Promise.all(pending);
  await until('all deliveries', async () => deliveries >= CLIENTS * MESSAGES, 120_000).catch(() => undefined);
  const elapsed = (performance.now() - started) / 1000;
  for (const ws of sockets) ws.terminate();
  const perMessage = sentAt.flatMap((at, i) => (firstAt[i] === undefined ? [] : [{ i, first: firstAt[i]! - at, spread: lastAt[i]! - firstAt[i]! }]));
  const firsts = perMessage.map((m) => m.first);
  const spreads = perMessage.map((m) => m.spread);
  const worst = [...perMessage].sort((a, b) => b.first + b.spread - (a.first + a.spread)).slice(0, 5);
  return {
    clients: CLIENTS,
    messages: MESSAGES,
    deliveries,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: pct(lat, 100),
    deliveriesPerSec: deliveries / elapsed,
    sendP50: pct(sendLat, 50),
    firstP50: pct(firsts, 50),
    firstP99: pct(firsts, 99),
    spreadP50: pct(spreads, 50),
    spreadP99: pct(spreads, 99),
    worst: worst.map((w) => `#${w.i}: first ${w.first.toFixed(0)} ms + spread ${w.spread.toFixed(0)} ms`).join('; '),
  };
}

interface FanoutRow {
  mode: 'write' | 'read';
  members: number;
  inboxWritesPerMsg: number;
  projectedP50: number;
  syncP50: number;
}

async function fanout(stack: Stack, mode: 'write' | 'read', members: number): Promise<FanoutRow> {
  const ownerToken = await stack.token('owner');
  const conv = await stack.conversation('owner', ownerToken, members, `${mode}${members}`);
  const memberToken = await stack.token(`${mode}${members}-u0`);
  const cursor = (await http<{ cursor: string }>(stack.chatBase, 'GET', '/v1/sync?limit=100', memberToken)).body.cursor;
  const writesBefore = await stack.metric('chat_inbox_writes_total');
  const n = 20;
  const projected: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await http<{ seq: number }>(stack.chatBase, 'POST', `/v1/conversations/${conv}/messages`, ownerToken, { clientMsgId: `f${i}`, body: `fan ${i}` });
    // Projected (and fanned out) = visible in the member's feed.
    let seen = false;
    while (!seen) {
      const res = await http<{ messages: { conversationId: string; seq: number }[] }>(stack.chatBase, 'GET', `/v1/sync?cursor=${cursor}&limit=100`, memberToken);
      if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${JSON.stringify(res.body)}`);
      const page = res.body;
      seen = page.messages.some((m) => m.conversationId === conv && m.seq === r.body.seq);
      if (!seen) await sleep(2);
    }
    projected.push(performance.now() - t0);
  }
  // The member saw the last message; wait until the fan-out to everyone else has finished too.
  let writes = -1;
  for (;;) {
    const now = (await stack.metric('chat_inbox_writes_total')) - writesBefore;
    if (now === writes) break;
    writes = now;
    await sleep(300);
  }
  const reads: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await http(stack.chatBase, 'GET', `/v1/sync?cursor=${cursor}&limit=100`, memberToken);
    reads.push(performance.now() - t0);
  }
  const info = (await http<{ mode: string }>(stack.chatBase, 'GET', `/v1/conversations/${conv}`, ownerToken)).body;
  if (info.mode !== mode) throw new Error(`expected ${mode} fan-out, got ${info.mode}`);
  return { mode, members, inboxWritesPerMsg: writes / n, projectedP50: pct(projected, 50), syncP50: pct(reads, 50) };
}

function svg(rows: FanoutRow[]): string {
  const W = 640;
  const H = 360;
  const pad = 60;
  const xs = SIZES.map((_, i) => pad + (i * (W - 2 * pad)) / Math.max(1, SIZES.length - 1));
  const maxY = Math.max(...rows.map((r) => r.projectedP50), 1);
  const y = (v: number): number => H - pad - (v / maxY) * (H - 2 * pad);
  const line = (mode: 'write' | 'read', color: string): string => {
    const pts = SIZES.map((s, i) => {
      const r = rows.find((x) => x.mode === mode && x.members === s);
      return r ? `${xs[i]!.toFixed(1)},${y(r.projectedP50).toFixed(1)}` : '';
    }).filter(Boolean);
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>` + pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${color}"/>`).join('');
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle">send → visible in a member's feed (p50 ms) vs members</text>
<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>
${SIZES.map((s, i) => `<text x="${xs[i]}" y="${H - pad + 18}" text-anchor="middle">${s}</text>`).join('')}
${[0, 0.5, 1].map((f) => `<text x="${pad - 6}" y="${y(maxY * f) + 4}" text-anchor="end">${(maxY * f).toFixed(0)}</text>`).join('')}
${line('write', '#c0392b')}${line('read', '#2471a3')}
<text x="${W - pad}" y="${pad}" text-anchor="end" fill="#c0392b">write fan-out</text>
<text x="${W - pad}" y="${pad + 16}" text-anchor="end" fill="#2471a3">read fan-out</text>
</svg>
`;
}

async function main(): Promise<void> {
  const stack = new Stack();
  try {
    await stack.startCluster();
    await stack.startChat(100);
    process.stdout.write(`latency: ${CLIENTS} clients, ${MESSAGES} messages at ${RATE}/s\n`);
    const lat = await latency(stack);
    process.stdout.write(`${JSON.stringify(lat)}\n`);
    if (LATENCY_ONLY) return;
    const rows: FanoutRow[] = [];
    for (const [mode, threshold] of [
      ['write', 1_000_000],
      ['read', 1],
    ] as const) {
      await stack.startChat(threshold);
      for (const size of SIZES) {
        const row = await fanout(stack, mode, size);
        process.stdout.write(`${JSON.stringify(row)}\n`);
        rows.push(row);
      }
    }
    const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');
    const md = [
      '# Chat benchmark',
      '',
      `Run: \`npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/chat-bench.ts --clients ${CLIENTS} --messages ${MESSAGES} --rate ${RATE} --sizes ${SIZES.join(',')}\` on ${new Date().toISOString().slice(0, 10)}, one machine (2 cores shared by 3 raft nodes, the chat service, PostgreSQL, Redis and the clients).`,
      '',
      '## Send → delivered, one conversation (read fan-out, WebSocket)',
      '',
      '| clients | messages | deliveries | p50 ms | p99 ms | max ms | deliveries/s | send p50 ms |',
      '|---|---|---|---|---|---|---|---|',
      `| ${lat.clients} | ${lat.messages} | ${lat.deliveries} | ${f(lat.p50)} | ${f(lat.p99)} | ${f(lat.max)} | ${f(lat.deliveriesPerSec)} | ${f(lat.sendP50)} |`,
      '',
      'Per message: "first" = send → the first client has it (commit, projection, bus); "spread" = first → last client (the broadcast to every socket, and the clients reading it).',
      '',
      '| first p50 ms | first p99 ms | spread p50 ms | spread p99 ms |',
      '|---|---|---|---|',
      `| ${f(lat.firstP50)} | ${f(lat.firstP99)} | ${f(lat.spreadP50)} | ${f(lat.spreadP99)} |`,
      '',
      `Slowest messages: ${lat.worst}.`,
      '',
      `Goal: p99 < 100 ms at 1,000 clients — ${lat.p99 < 100 ? 'met' : 'not met on this machine'}.`,
      '',
      '## Write vs read fan-out as a conversation grows',
      '',
      'Inbox writes per message = write amplification; "visible" = send until the message is in a member\'s feed (projection + fan-out); sync = one member\'s feed read.',
      '',
      '| mode | members | inbox writes / msg | send → visible p50 ms | sync read p50 ms |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.mode} | ${r.members} | ${f(r.inboxWritesPerMsg)} | ${f(r.projectedP50)} | ${f(r.syncP50)} |`),
      '',
      '![fan-out cost](chat.svg)',
      '',
    ].join('\n');
    writeFileSync(join(root, 'tools/bench/results/chat.md'), md);
    writeFileSync(join(root, 'tools/bench/results/chat.svg'), svg(rows));
    process.stdout.write(md);
  } finally {
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exitCode = 1;
});
