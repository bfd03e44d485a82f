import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64, EtcdCluster } from './etcd-cluster';

describe('EtcdCluster', () => {
  it('starts three etcd members on loopback that agree on writes, and stops them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etcd-harness-'));
    const cluster = new EtcdCluster(dir, 24790);
    try {
      await cluster.startAll();
      const [a, b] = cluster.nodes;
      const put = await fetch(`http://127.0.0.1:${a!.clientPort}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64('x'), value: b64('42') }) });
      expect(put.status).toBe(200);
      const range = (await (await fetch(`http://127.0.0.1:${b!.clientPort}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64('x') }) })).json()) as {
        kvs: { value: string }[];
      };
      expect(Buffer.from(range.kvs[0]!.value, 'base64').toString()).toBe('42');
    } finally {
      cluster.stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
