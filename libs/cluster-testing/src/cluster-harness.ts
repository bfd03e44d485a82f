/**
 * Runs a real cluster through the cluster CLI (`tools/cluster`) in a temp directory and
 * talks to it over HTTP, exactly as an operator or a script would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..', '..');

const cli = [join(repoRoot, 'node_modules/.bin/tsx'), join(repoRoot, 'tools/cluster/src/main.ts')];

export interface NodeStatus {
  id: string;
  role: string;
  term: number;
  leaderId: string | null;
  commitIndex: number;
  appliedIndex: number;
  snapshotIndex: number;
  revision: number;
  config: { voters: string[]; learners: string[]; outgoing: string[] };
  /** Set once the node learned that a committed configuration (at this index) removed it. */
  removed: { configIndex: number } | null;
}

export interface HttpResult {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * Test port ranges, disjoint and below Linux's ephemeral range (32768+, where outgoing
 * connections take their local ports): cluster-testing 10000-19999, chat-message-e2e
 * 20000-23599, etcd-harness spec 24790-24900, chaos spec 25000-32199. Here: 33 blocks of
 * 300 ports (exported for the harness's own test).
 */
export const PORT_BLOCKS = 33;
const blockPort = (block: number): number => 10000 + (block % PORT_BLOCKS) * 300;
let portCursor = process.pid % PORT_BLOCKS;

export class ClusterHarness {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'raft-e2e-'));
  /** Node i serves HTTP on basePort+i and peers on basePort+100+i (re-chosen at start if busy). */
  basePort: number;
  private supervisor: ChildProcess | null = null;
  private output = '';

  constructor(
    readonly nodes = 3,
    private readonly env: Record<string, string> = {},
  ) {
    this.basePort = blockPort(portCursor++);
  }

  ids(): string[] {
    return Array.from({ length: this.nodes }, (_, i) => `n${i + 1}`);
  }

  url(id: string, path: string): string {
    return `http://127.0.0.1:${this.basePort + Number(id.slice(1))}${path}`;
  }

  private childEnv(): NodeJS.ProcessEnv {
    return { ...process.env, LOG_LEVEL: 'warn', ...this.env };
  }

  async start(): Promise<void> {
    // Several e2e projects may run at once: move to a block whose ports are all free.
    for (let tries = 0; tries < 40 && !(await this.blockIsFree()); tries++) this.basePort = blockPort(Math.floor(Math.random() * PORT_BLOCKS));
    this.supervisor = spawn(cli[0]!, [cli[1]!, 'up', '--nodes', String(this.nodes), '--base-port', String(this.basePort), '--data-dir', this.dataDir, '--no-services'], {
      cwd: repoRoot,
      env: this.childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.supervisor.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.supervisor.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/cluster of \d+ nodes is up/.test(this.output)) {
      if (Date.now() > deadline || this.supervisor.exitCode !== null) throw new Error(`cluster did not start:\n${this.output}`);
      await sleep(100);
    }
    // The CLI reports "up" once a leader exists, even if a node is still booting (or failed):
    // on a loaded machine a test would then meet a node that refuses connections.
    const ready = Date.now() + 60_000;
    for (const id of this.ids()) {
      while ((await this.status(id)) === null) {
        if (Date.now() > ready) {
          const log = join(this.dataDir, `${id}.log`);
          throw new Error(`${id} does not answer:\n${this.output}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '(no log)'}`);
        }
        await sleep(100);
      }
    }
    await this.waitForLeader();
  }

  private async blockIsFree(): Promise<boolean> {
    const ports: number[] = [];
    for (let i = 1; i <= this.nodes + 5; i++) ports.push(this.basePort + i, this.basePort + 100 + i);
    ports.push(this.basePort + 250);
    for (const port of ports) {
      const free = await new Promise<boolean>((resolve) => {
        const srv = createServer();
        srv.once('error', () => resolve(false));
        srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
      });
      if (!free) return false;
    }
    return true;
  }

  /**
   * Runs a CLI subcommand against this cluster (kill, pause, resume, restart, status,
   * start-new). Asynchronous on purpose: the CLI takes a second or more to start under load,
   * and a synchronous spawn would freeze the test's own clients meanwhile, so their
   * deadlines would expire before they could read responses already sent.
   */
  cli(...args: string[]): Promise<string> {
    return new Promise((resolvePromise, reject) => {
      execFile(cli[0]!, [cli[1]!, ...args, '--data-dir', this.dataDir], { cwd: repoRoot, env: this.childEnv(), encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error) reject(new Error(`cluster ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolvePromise(stdout);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.supervisor && this.supervisor.exitCode === null) {
      this.supervisor.kill('SIGTERM');
      await new Promise<void>((r) => this.supervisor!.once('exit', () => r()));
    }
    // KEEP_E2E_DATA=1 keeps the data directory (node logs, WALs) for a post-mortem of a failed run.
    if (process.env['KEEP_E2E_DATA'] === '1') console.log(`kept ${this.dataDir}`);
    else rmSync(this.dataDir, { recursive: true, force: true });
  }

  pidOf(id: string): number {
    const file = JSON.parse(readFileSync(join(this.dataDir, 'cluster.json'), 'utf8')) as { nodes: Record<string, { pid: number }> };
    return file.nodes[id]!.pid;
  }

  async request(id: string, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<HttpResult> {
    const res = await fetch(this.url(id, path), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async status(id: string): Promise<NodeStatus | null> {
    try {
      const r = await this.request(id, 'GET', '/v1/status', undefined, 1000);
      return r.status === 200 ? (r.body as unknown as NodeStatus) : null;
    } catch {
      return null;
    }
  }

  /**
   * A request that retries `503` answers (no leader known at that moment, e.g. during an
   * election on a loaded machine) until another status or `ms` passes, as the API asks
   * clients to. A write is retried with the ids it carries, so it executes at most once.
   */
  async requestRetrying(id: string, method: string, path: string, body?: unknown, ms = 15_000): Promise<HttpResult> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await this.request(id, method, path, body);
      if (r.status !== 503 || Date.now() > deadline) return r;
      await sleep(100);
    }
  }

  /** {@link requestRetrying} for a GET. */
  getRetrying(id: string, path: string, ms = 15_000): Promise<HttpResult> {
    return this.requestRetrying(id, 'GET', path, undefined, ms);
  }

  /** Waits until the given nodes agree on one leader; returns its id. */
  async waitForLeader(among: string[] = this.ids(), ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const statuses = (await Promise.all(among.map((id) => this.status(id)))).filter((s): s is NodeStatus => s !== null);
      const leader = statuses.find((s) => s.role === 'leader');
      if (leader && statuses.filter((s) => s.leaderId === leader.id).length > among.length / 2) return leader.id;
      await sleep(100);
    }
    throw new Error(`no leader among ${among.join(',')} within ${ms} ms`);
  }

  /** A PUT that retries (with the same ids) through 503/504 and connection errors until acknowledged. */
  async putReliably(key: string, value: string, clientId: string, requestId: string, among = this.ids(), ms = 30_000): Promise<number> {
    const deadline = Date.now() + ms;
    let i = 0;
    while (Date.now() < deadline) {
      const id = among[i++ % among.length]!;
      try {
        const r = await this.request(id, 'PUT', `/v1/kv/${encodeURIComponent(key)}`, { value, clientId, requestId }, 3000);
        if (r.status === 200) return r.body['revision'] as number;
      } catch {
        // node down or paused: try another
      }
      await sleep(50);
    }
    throw new Error(`put ${key} not acknowledged within ${ms} ms`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
