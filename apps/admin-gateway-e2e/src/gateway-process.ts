import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';

const root = resolve(__dirname, '..', '..', '..');
const main = join(root, 'dist/apps/admin-gateway/src/main.js');
export const TOKEN = 'e2e-admin-token';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The built admin gateway (dist/, from tools/build/build.mjs — the cluster CLI's `up` runs
 * it) as a real process, with a PostgreSQL schema of its own that `drop()` removes.
 */
export class GatewayProcess {
  private proc: ChildProcess | null = null;
  output = '';

  constructor(
    readonly port: number,
    private readonly seeds: string,
    readonly schema = `gw_e2e_${process.pid}`,
    private readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    if (!existsSync(main)) throw new Error(`${main} is missing: run node tools/build/build.mjs`);
    const proc = spawn(process.execPath, ['--enable-source-maps', main], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(this.port), SEED_NODES: this.seeds, ADMIN_TOKEN: TOKEN, DB_SCHEMA: this.schema, LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) break;
      try {
        if ((await fetch(this.url('/health'), { signal: AbortSignal.timeout(1000) })).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`gateway did not start:\n${this.output}`);
  }

  /** SIGKILL: no shutdown hook runs, a running operation stays "running" in the database. */
  async kill9(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGTERM');
    const killer = setTimeout(() => p.kill('SIGKILL'), 5000);
    await new Promise((r) => p.once('exit', r));
    clearTimeout(killer);
  }

  /** Removes the gateway's schema (operations, audit log, migrations table). */
  async drop(): Promise<void> {
    const db = new DataSource({ type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', password: '', database: 'test' });
    await db.initialize();
    try {
      await db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    } finally {
      await db.destroy();
    }
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async call(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Answer> {
    const headers: Record<string, string> = { 'x-actor': 'e2e' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed };
  }

  /** Waits for an operation to leave "running"; returns it. */
  async waitOperation(id: string, ms = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await this.call('GET', `/v1/operations/${id}`);
      if (r.status === 200 && r.body['status'] !== 'running') return r.body;
      if (Date.now() > deadline) throw new Error(`operation ${id} still running after ${ms} ms: ${JSON.stringify(r.body)}`);
      await new Promise((r2) => setTimeout(r2, 100));
    }
  }

  /** Runs an operation to its end: 202, then its final state. */
  async run(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const r = await this.call(method, path, body);
    if (r.status !== 202) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return this.waitOperation(String(r.body['operationId']));
  }
}
