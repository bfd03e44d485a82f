/**
 * Real infrastructure for chat e2e tests: a raft cluster through the cluster CLI, chat
 * service processes (built dist, as in production), a private PostgreSQL schema and Redis
 * prefix per run (dropped afterwards), and small HTTP/WebSocket clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';

export const repoRoot = resolve(__dirname, '..', '..', '..');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const clusterCli = join(repoRoot, 'tools/cluster/src/main.ts');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Ports 20000-23599, spread by pid: the test port plan (disjoint ranges below Linux's
 * ephemeral ports) is in libs/cluster-testing/src/cluster-harness.ts.
 */
let portCursor = 20000 + (process.pid % 12) * 300;
export function takePorts(n = 300): number {
  const p = portCursor;
  portCursor += n;
  if (portCursor > 23600 - n) portCursor = 20000;
  return p;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export class RaftCluster {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'chat-e2e-raft-'));
  private supervisor: ChildProcess | null = null;
  private output = '';

  constructor(
    readonly basePort: number,
    readonly nodes = 3,
  ) {}

  httpNodes(): string {
    return Array.from({ length: this.nodes }, (_, i) => `127.0.0.1:${this.basePort + i + 1}`).join(',');
  }

  url(i: number, path: string): string {
    return `http://127.0.0.1:${this.basePort + i}${path}`;
  }

  /** Starts the cluster (the CLI builds dist/ first, which includes the chat service). */
  async start(): Promise<void> {
    this.supervisor = spawn(tsx, [clusterCli, 'up', '--nodes', String(this.nodes), '--base-port', String(this.basePort), '--data-dir', this.dataDir, '--no-services'], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.supervisor.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.supervisor.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    await waitFor('the raft cluster', async () => {
      if (this.supervisor!.exitCode !== null) throw new Error(this.output);
      return /cluster of \d+ nodes is up/.test(this.output);
    }, 60_000, 100);
    await waitFor('a raft leader', async () => {
      const res = await fetch(this.url(1, '/v1/status'), { signal: AbortSignal.timeout(1000) });
      return ((await res.json()) as { leaderId: string | null }).leaderId;
    });
  }

  async stop(): Promise<void> {
    if (this.supervisor && this.supervisor.exitCode === null) {
      this.supervisor.kill('SIGTERM');
      await new Promise<void>((r) => this.supervisor!.once('exit', () => r()));
    }
    // KEEP_E2E_DATA=1 keeps node logs and WALs for a post-mortem (see the README).
    if (process.env['KEEP_E2E_DATA'] === '1') console.log(`kept ${this.dataDir}`);
    else rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** One PostgreSQL schema + Redis prefix for a test run; `drop()` removes both. */
export class ChatStores {
  readonly schema = `chat_e2e_${process.pid}_${Date.now().toString(36)}`;
  readonly redisPrefix = `chat-e2e:${process.pid}:${Date.now().toString(36)}:`;
  readonly pg = new DataSource({ type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', password: 'postgres', database: 'test', extra: { max: 2 } });
  readonly redis = new Redis('redis://127.0.0.1:6379');

  async open(): Promise<void> {
    await this.pg.initialize();
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pg.query(sql.replaceAll('$schema', `"${this.schema}"`), params)) as T[];
  }

  async drop(): Promise<void> {
    await this.pg.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`).catch(() => undefined);
    await this.pg.destroy().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.redisPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.redis.del(...keys);
    } while (cursor !== '0');
    this.redis.disconnect();
  }
}

export class ChatProcess {
  private child: ChildProcess | null = null;
  log = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  async start(): Promise<void> {
    this.log = '';
    this.child = spawn(process.execPath, ['--enable-source-maps', join(repoRoot, 'dist/apps/chat-message/src/main.js')], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', PORT: String(this.port), HOST: '127.0.0.1', JWT_SECRET: 'e2e-secret-123', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    await waitFor(`chat on ${this.port}`, async () => {
      if (this.child!.exitCode !== null) throw new Error(`chat exited: ${this.log}`);
      const res = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(1000) });
      return res.status === 200;
    }, 30_000, 100);
  }

  /** SIGKILL (a crash), resolves when gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    await gone;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; session?: string; timeoutMs?: number } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  if (opts.session) headers['x-session-token'] = opts.session;
  const res = await fetch(base + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: unknown = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export async function devToken(base: string, userId: string): Promise<string> {
  const r = await http<{ token: string }>(base, 'POST', '/v1/dev/token', { body: { userId } });
  if (r.status !== 200) throw new Error(`token for ${userId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

export interface Msg {
  conversationId: string;
  seq: number;
  msgId: string;
  sender: string;
  body: string;
  mode: 'write' | 'read';
  pts?: number;
}

interface Frame {
  event: string;
  data: Record<string, unknown> & { messages?: Msg[]; cursor?: string };
}

/**
 * A push client that applies messages like a real one and *fails loudly* on any gap or
 * duplicate per conversation. It keeps the cursor of the last frame for reconnecting.
 */
export class TestWsClient {
  ws: WebSocket | null = null;
  cursor = '';
  readonly received: Msg[] = [];
  readonly frames: Frame[] = [];
  readonly violations: string[] = [];
  private readonly lastSeq = new Map<string, number>();
  closeInfo: { code: number; reason: string } | null = null;
  ready = false;

  constructor(
    private readonly base: string,
    private readonly token: string,
    /** Expected first seq per conversation (default: 1). */
    private readonly startAfter: Record<string, number> = {},
  ) {}

  async connect(): Promise<void> {
    this.ready = false;
    this.closeInfo = null;
    const url = new URL('/v1/ws', this.base.replace('http', 'ws'));
    url.searchParams.set('access_token', this.token);
    if (this.cursor) url.searchParams.set('cursor', this.cursor);
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // Browsers hand binary frames over as Blobs: every frame must be a text frame.
      if (isBinary) this.violations.push('a binary frame (frames must be JSON text)');
      this.onFrame(JSON.parse(data.toString()) as Frame);
    });
    ws.on('close', (code: number, reason: Buffer) => (this.closeInfo = { code, reason: reason.toString() }));
    await waitFor('ws ready', async () => {
      if (this.closeInfo) throw new Error(`closed ${this.closeInfo.code} ${this.closeInfo.reason}`);
      return this.ready;
    }, 15_000, 10);
  }

  private apply(m: Msg): void {
    const last = this.lastSeq.get(m.conversationId) ?? this.startAfter[m.conversationId] ?? 0;
    if (m.seq !== last + 1) this.violations.push(`${m.conversationId}: got seq ${m.seq} after ${last}`);
    this.lastSeq.set(m.conversationId, Math.max(last, m.seq));
    this.received.push(m);
  }

  private onFrame(f: Frame): void {
    this.frames.push(f);
    if (f.event === 'sync') for (const m of f.data.messages ?? []) this.apply(m);
    if (f.event === 'message') this.apply(f.data as unknown as Msg);
    if (typeof f.data?.cursor === 'string') this.cursor = f.data.cursor;
    if (f.event === 'ready') this.ready = true;
  }

  seqs(conversationId: string): number[] {
    return this.received.filter((m) => m.conversationId === conversationId).map((m) => m.seq);
  }

  async waitForSeq(conversationId: string, seq: number, ms = 15_000): Promise<void> {
    await waitFor(`seq ${seq} of ${conversationId}`, async () => (this.lastSeq.get(conversationId) ?? 0) >= seq, ms, 10);
  }

  async close(): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    ws.close();
    await closed;
  }
}

/** Pulls a user's whole feed through /v1/sync pages. */
export async function syncAll(base: string, token: string, cursor = '', limit?: number): Promise<{ messages: Msg[]; cursor: string; pages: number }> {
  const messages: Msg[] = [];
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams();
    if (cursor) q.set('cursor', cursor);
    if (limit) q.set('limit', String(limit));
    const r = await http<{ messages: Msg[]; cursor: string; hasMore: boolean }>(base, 'GET', `/v1/sync?${q}`, { token });
    if (r.status !== 200) throw new Error(`sync: ${r.status} ${JSON.stringify(r.body)}`);
    messages.push(...r.body.messages);
    cursor = r.body.cursor;
    pages++;
    if (!r.body.hasMore) return { messages, cursor, pages };
  }
}

/** A session token as the service encodes it (tests craft one from the future). */
export function encodeSessionForTest(revision: number): string {
  return `s1.${Buffer.from(JSON.stringify({ r: revision })).toString('base64url')}`;
}
