import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
export const TOKEN = 'e2e-admin-token';

/** The built admin gateway as a real process, with its own PostgreSQL schema. */
export class GatewayProcess {
  private proc: ChildProcess | null = null;
  output = '';

  constructor(
    readonly port: number,
    private readonly seeds: string,
    readonly schema = `gw_e2e_${process.pid}_${Date.now() % 100000}`,
  ) {}

  async start(): Promise<void> {
    this.proc = spawn(process.execPath, [join(root, 'dist/apps/admin-gateway/src/main.js')], {
      env: { ...process.env, PORT: String(this.port), SEED_NODES: this.seeds, ADMIN_TOKEN: TOKEN, DB_SCHEMA: this.schema, LOG_LEVEL: 'warn', OPERATION_TIMEOUT_MS: '60000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(this.url('/health'), { signal: AbortSignal.timeout(500) })).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`gateway did not start:\n${this.output}`);
  }

  kill9(): void {
    this.proc?.kill('SIGKILL');
    this.proc = null;
  }

  async stop(): Promise<void> {
    if (!this.proc) return;
    const p = this.proc;
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
    this.proc = null;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async call(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Waits for an operation to leave "running"; returns it. */
  async waitOperation(id: string, ms = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await this.call('GET', `/v1/operations/${id}`);
      if (r.body['status'] !== 'running') return r.body;
      if (Date.now() > deadline) throw new Error(`operation ${id} still running: ${JSON.stringify(r.body)}`);
      await new Promise((r2) => setTimeout(r2, 200));
    }
  }
}
