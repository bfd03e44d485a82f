import type { Message } from '@raft/raft-core';
import { PeerTransport, type PeerTransportOptions } from '../../src';

type Overrides = Partial<Omit<PeerTransportOptions, 'selfId' | 'clusterId' | 'listen' | 'peers'>>;

/** Starts a transport on an ephemeral loopback port with no peers yet. */
export async function startTransport(selfId: string, overrides: Overrides = {}, clusterId = 'test-cluster', port = 0): Promise<PeerTransport> {
  const transport = new PeerTransport<Message>({ selfId, clusterId, listen: { host: '127.0.0.1', port }, peers: {}, ...overrides });
  await transport.start();
  return transport;
}

/** Makes each transport a peer of every other one, using their bound addresses. */
export function meshTransports(transports: Record<string, PeerTransport>): void {
  for (const [id, transport] of Object.entries(transports)) {
    for (const [otherId, other] of Object.entries(transports)) {
      if (otherId !== id) transport.addPeer(otherId, other.address()!);
    }
  }
}

/** Collects every batch a transport receives. */
export function collectBatches(transport: PeerTransport): { from: string; messages: Message[] }[] {
  const batches: { from: string; messages: Message[] }[] = [];
  transport.onMessages((messages, from) => batches.push({ from, messages }));
  return batches;
}
