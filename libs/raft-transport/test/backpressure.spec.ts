import { createServer, type Server, type Socket } from 'node:net';
import type { Message } from '@raft/raft-core';
import { PeerTransport } from '../src';
import { appendWithEntries, heartbeat } from './support/raft-messages';
import { handshakeFrame } from './support/raw-socket';
import { collectBatches, meshTransports, startTransport } from './support/transport-pair';
import { nextTurn, waitUntil } from './support/wait';

const CLUSTER = 'test-cluster';

/** A "peer" that completes the handshake, then never reads another byte. */
async function startStalledPeer(sockets: Socket[]): Promise<Server> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.write(handshakeFrame('slow', CLUSTER));
    socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('backpressure from a peer that stops reading', () => {
  let a: PeerTransport;
  let c: PeerTransport;
  let stalled: Server;
  const stalledSockets: Socket[] = [];

  afterEach(async () => {
    await Promise.all([a?.stop(), c?.stop()]);
    for (const socket of stalledSockets.splice(0)) socket.destroy();
    await new Promise((resolve) => stalled?.close(resolve));
  });

  it('keeps the slow queue within its bounds, drops and counts the excess, and does not slow other peers', async () => {
    const maxQueueMessages = 300;
    const maxQueueBytes = 512 * 1024;
    const maxFrameBytes = 256 * 1024;
    stalled = await startStalledPeer(stalledSockets);
    a = await startTransport('a', { maxQueueMessages, maxQueueBytes, maxFrameBytes });
    c = await startTransport('c', { maxQueueMessages, maxQueueBytes, maxFrameBytes });
    meshTransports({ a, c });
    const stalledAddress = stalled.address();
    if (stalledAddress === null || typeof stalledAddress === 'string') throw new Error('stalled peer has no port');
    a.addPeer('slow', { host: '127.0.0.1', port: stalledAddress.port });
    const atC = collectBatches(c);

    let toSlow = 0;
    let toC = 0;
    let roundsAfterFirstDrop = 0;
    for (let round = 0; round < 2_000 && roundsAfterFirstDrop < 20; round++) {
      const batch: Message[] = [];
      for (let i = 0; i < 40; i++) batch.push(appendWithEntries('a', 'slow', round * 160 + i * 4 + 1, 4, 1000));
      batch.push(heartbeat('a', 'c', round % 100));
      a.send(batch);
      toSlow += 40;
      toC += 1;
      await nextTurn();

      const slow = a.stats().peers['slow'];
      expect(slow.queuedMessages).toBeLessThanOrEqual(maxQueueMessages);
      expect(slow.queuedBytes).toBeLessThanOrEqual(maxQueueBytes);
      if (slow.connected) {
        // What sits in Node's socket buffer is bounded too: at most one frame past the high-water mark.
        expect(a.client('slow').unwrap<Socket>().writableLength).toBeLessThanOrEqual(maxFrameBytes + 16 * 1024 + 5);
      }
      if (slow.dropped > 0) roundsAfterFirstDrop++;
    }

    const slow = a.stats().peers['slow'];
    expect(slow.connected).toBe(true);
    expect(slow.dropped).toBeGreaterThan(0);
    // The link did write (the handshake completed) until the socket pushed back.
    expect(slow.sentMessages).toBeGreaterThan(0);
    expect(slow.sentMessages + slow.queuedMessages + slow.dropped).toBe(toSlow);

    await waitUntil(() => atC.flatMap((b) => b.messages).length === toC, 'every message to the healthy peer');
    expect(a.stats().peers['c']).toMatchObject({ dropped: 0, queuedMessages: 0, sentMessages: toC });
  });
});
