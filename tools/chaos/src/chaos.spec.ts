import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');

function chaos(...args: string[]): { status: number | null; lines: string[] } {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['--tsconfig', join(root, 'tools/chaos/tsconfig.json'), join(root, 'tools/chaos/src/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const lines = r.stdout.trim().split('\n');
  process.stdout.write(lines.filter((l) => /^(operations|faults|availability|failover|linearizability check|replica|verdict|nemesis)/.test(l)).join('\n') + '\n');
  return { status: r.status, lines };
}

describe('chaos runner (real processes, real faults)', () => {
  it('our cluster stays linearizable under kill -9, pause and partitions', () => {
    const r = chaos('--nodes', '3', '--clients', '6', '--duration', '20s', '--nemesis', 'kill,pause,partition', '--seed', '11', '--base-port', '17100');
    expect(r.lines[r.lines.length - 1]).toBe('verdict: linearizable');
    expect(r.lines).toContain('replica state machines identical: yes');
    expect(r.status).toBe(0);
  });

  it('finds the violation in a deliberately broken variant (reads without ReadIndex)', () => {
    const r = chaos('--nodes', '3', '--clients', '6', '--duration', '15s', '--nemesis', 'pause,partition', '--seed', '2', '--unsafe-stale-reads', '--base-port', '17500');
    expect(r.lines[r.lines.length - 1]).toBe('verdict: NOT linearizable');
    expect(r.lines.some((l) => l.startsWith('no order of these'))).toBe(true);
    expect(r.status).toBe(1);
  });

  it('finds etcd 3.4 linearizable under kill and pause (validates the harness)', () => {
    const r = chaos('--target', 'etcd', '--clients', '6', '--duration', '15s', '--nemesis', 'kill,pause', '--seed', '5', '--base-port', '25790');
    expect(r.lines[r.lines.length - 1]).toBe('verdict: linearizable');
    expect(r.status).toBe(0);
  });
});
