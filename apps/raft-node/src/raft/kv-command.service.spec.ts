import { decodeCommand, type KvCommand, type KvResult } from '@raft/raft-kv';
import { KvCommandService } from './kv-command.service';
import type { RaftNodeService } from './raft-node.service';

/** A node that records what it was asked to propose and answers every put. */
function recordingNode(): { node: RaftNodeService; proposed: { cmd: KvCommand; key: string }[] } {
  const proposed: { cmd: KvCommand; key: string }[] = [];
  const node = {
    propose: (data: Uint8Array, key: string): Promise<KvResult> => {
      proposed.push({ cmd: decodeCommand(data), key });
      return Promise.resolve({ op: 'put', revision: proposed.length });
    },
  } as unknown as RaftNodeService;
  return { node, proposed };
}

const put = { op: 'put', key: 'k', value: 'v' } as const;

describe('KvCommandService ids', () => {
  it('requests without ids run untracked, each under a key of its own', async () => {
    const { node, proposed } = recordingNode();
    const service = new KvCommandService(node);
    for (let i = 0; i < 1000; i++) await service.execute(put, {});
    expect(new Set(proposed.map((p) => p.key)).size).toBe(1000);
    expect(proposed.every((p) => p.cmd.untracked === true)).toBe(true);
    expect(new Set(proposed.map((p) => p.cmd.clientId)).size).toBe(1);
    expect(proposed[0]!.cmd.clientId).toMatch(/^anon-[0-9a-f]{16}$/);
  });

  it('a restarted server (a new instance) never reuses the ids of the one before', async () => {
    const first = recordingNode();
    const second = recordingNode();
    await new KvCommandService(first.node).execute(put, {});
    await new KvCommandService(second.node).execute(put, {});
    expect(second.proposed[0]!.cmd.requestId).toBe(first.proposed[0]!.cmd.requestId);
    expect(second.proposed[0]!.key).not.toBe(first.proposed[0]!.key);
  });

  it('a client id without a request id gets a random request id and a session', async () => {
    const { node, proposed } = recordingNode();
    const service = new KvCommandService(node);
    await service.execute(put, { clientId: 'c1' });
    await service.execute(put, { clientId: 'c1' });
    const [a, b] = proposed.map((p) => p.cmd);
    expect(a!.clientId).toBe('c1');
    expect(a!.untracked).toBeUndefined();
    expect(a!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b!.requestId).not.toBe(a!.requestId);
  });

  it('ids the client sent are used as they are', async () => {
    const { node, proposed } = recordingNode();
    await new KvCommandService(node).execute(put, { clientId: 'c1', requestId: 'r9' });
    expect(proposed[0]!.cmd).toMatchObject({ clientId: 'c1', requestId: 'r9' });
    expect(proposed[0]!.cmd.untracked).toBeUndefined();
  });
});
