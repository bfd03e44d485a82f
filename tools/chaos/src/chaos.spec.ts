import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');

/** Runs the chaos CLI to completion and echoes its progress and summary (seed included). */
function chaos(...args: string[]): { status: number | null; lines: string[] } {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['--tsconfig', join(root, 'tools/chaos/tsconfig.json'), join(root, 'tools/chaos/src/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const lines = r.stdout.trim().split('\n');
  process.stdout.write(`${r.stdout}${r.stderr ? `\nstderr:\n${r.stderr}` : ''}\n`);
  return { status: r.status, lines };
}

/** Whether every port can be bound on loopback right now. */
async function free(ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const ok = await new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
    if (!ok) return false;
  }
  return true;
}

/**
 * A base port whose whole range (nodes P+1…, peers P+101…, link proxies P+211…P+299) is
 * free: other engineers' test runs may be running these same tests at the same time.
 */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // 25000-32199: see the test port plan in libs/cluster-testing/src/cluster-harness.ts.
    const base = 25_000 + (((process.pid + attempt * 7) % 18) * 400);
    const range = [...[1, 2, 3].flatMap((i) => [base + i, base + 100 + i]), ...[1, 2, 3].flatMap((a) => [1, 2, 3].filter((b) => b !== a).map((b) => base + 200 + a * 10 + b))];
    if (await free(range)) return base;
  }
  throw new Error('no free port range for the chaos cluster');
}

describe('chaos runner (real processes, real faults)', () => {
  it('finds our cluster linearizable, with identical replicas, under kill -9, pause and partitions', async () => {
    const r = chaos('--nodes', '3', '--clients', '6', '--duration', '12s', '--nemesis', 'kill,pause,partition', '--seed', '11', '--base-port', String(await freeBasePort()));
    expect(r.lines).toContain('replica state machines identical: yes');
    expect(r.lines[r.lines.length - 1]).toBe('verdict: linearizable');
    expect(r.status).toBe(0);
  });

  it('finds the violation in a deliberately broken variant (UNSAFE_STALE_READS: reads skip ReadIndex)', async () => {
    const r = chaos('--nodes', '3', '--clients', '6', '--duration', '10s', '--nemesis', 'pause,partition', '--seed', '2', '--unsafe-stale-reads', '--base-port', String(await freeBasePort()));
    expect(r.lines.some((l) => l.startsWith('no order of these'))).toBe(true);
    expect(r.lines[r.lines.length - 1]).toBe('verdict: NOT linearizable');
    expect(r.status).toBe(1);
  });

  it('finds etcd 3.4 linearizable under kill -9 and pause (validates the harness on a known-good system)', async () => {
    const r = chaos('--target', 'etcd', '--clients', '6', '--duration', '10s', '--nemesis', 'kill,pause', '--seed', '5', '--base-port', String(await freeBasePort()));
    expect(r.lines).toContain('replica state machines identical: yes');
    expect(r.lines[r.lines.length - 1]).toBe('verdict: linearizable');
    expect(r.status).toBe(0);
  });
});
