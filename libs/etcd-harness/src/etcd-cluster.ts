/**
 * A 3-node etcd cluster on loopback (Debian's etcd-server), for side-by-side benchmarks
 * and for validating the chaos checker against a system known to be linearizable.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface EtcdNode {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  process: ChildProcess | null;
}

/** Installs etcd-server from Debian if it is missing (we run as root on these machines). */
export function ensureEtcdInstalled(): void {
  if (spawnSync('which', ['etcd']).status === 0) return;
  const r = spawnSync('bash', ['-c', 'apt-get update -qq && apt-get install -y -qq etcd-server etcd-client'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not install etcd-server');
}

export class EtcdCluster {
  readonly nodes: EtcdNode[];

  constructor(
    private readonly dataDir: string,
    basePort = 23790,
    size = 3,
  ) {
    this.nodes = Array.from({ length: size }, (_, i) => ({ name: `e${i + 1}`, clientPort: basePort + i + 1, peerPort: basePort + 100 + i + 1, process: null }));
  }

  private args(n: EtcdNode): string[] {
    const initial = this.nodes.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
    return [
      '--name', n.name,
      '--data-dir', join(this.dataDir, n.name),
      '--listen-client-urls', `http://127.0.0.1:${n.clientPort}`,
      '--advertise-client-urls', `http://127.0.0.1:${n.clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${n.peerPort}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${n.peerPort}`,
      '--initial-cluster', initial,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', 'raft-ts-bench',
      '--log-level', 'error',
    ];
  }

  start(n: EtcdNode): void {
    mkdirSync(this.dataDir, { recursive: true });
    n.process = spawn('etcd', this.args(n), { stdio: 'ignore', detached: true });
  }

  async startAll(): Promise<void> {
    ensureEtcdInstalled();
    for (const n of this.nodes) this.start(n);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`http://127.0.0.1:${this.nodes[0]!.clientPort}/v3/kv/put`, {
          method: 'POST',
          body: JSON.stringify({ key: b64('warmup'), value: b64('1') }),
          signal: AbortSignal.timeout(1000),
        });
        if (r.ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('etcd cluster did not start');
  }

  stopAll(): void {
    for (const n of this.nodes) {
      if (n.process?.pid) {
        try {
          process.kill(n.process.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      n.process = null;
    }
  }
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');
