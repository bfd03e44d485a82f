import type { Message } from '@raft/raft-core';
import { encodeFrame, FrameKind, PeerTransport } from '../src';
import { everyMessageType, heartbeat, normalizeBytes } from './support/raft-messages';
import { RecordingLogger } from './support/recording-logger';
import { collectBatches, meshTransports, startTransport } from './support/transport-pair';
import { waitUntil } from './support/wait';

describe('PeerTransport between two nodes over loopback TCP', () => {
  let a: PeerTransport;
  let b: PeerTransport;

  afterEach(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('delivers every Raft message type intact, including binary data and nested entries, in order', async () => {
    a = await startTransport('a');
    b = await startTransport('b');
    meshTransports({ a, b });
    const atB = collectBatches(b);
    const atA = collectBatches(a);
    const toB = everyMessageType('a', 'b');
    const toA = everyMessageType('b', 'a');

    a.send(toB);
    b.send(toA);
    await waitUntil(() => atB.flatMap((x) => x.messages).length === toB.length && atA.flatMap((x) => x.messages).length === toA.length, 'both directions delivered');

    expect(atB.every((batch) => batch.from === 'a')).toBe(true);
    expect(atA.every((batch) => batch.from === 'b')).toBe(true);
    const receivedAtB = atB.flatMap((x) => x.messages);
    expect(normalizeBytes(receivedAtB)).toEqual(normalizeBytes(toB));
    expect(normalizeBytes(atA.flatMap((x) => x.messages))).toEqual(normalizeBytes(toA));
    // Binary fields arrive as real byte arrays, not as arrays of numbers or strings.
    const snap = receivedAtB.find((m): m is Extract<Message, { type: 'snap' }> => m.type === 'snap')!;
    expect(snap.data).toBeInstanceOf(Uint8Array);
    expect(snap.data.byteLength).toBe(300);
    const app = receivedAtB.find((m): m is Extract<Message, { type: 'app' }> => m.type === 'app' && m.entries.length > 0)!;
    expect(Array.from(app.entries[1].data)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(app.entries[0].data).toBeInstanceOf(Uint8Array);
    expect(app.entries[0].data.byteLength).toBe(0);
  });

  it('coalesces messages sent in one turn into a single frame', async () => {
    a = await startTransport('a');
    b = await startTransport('b');
    meshTransports({ a, b });
    const atB = collectBatches(b);

    for (let i = 0; i < 1000; i++) a.send([heartbeat('a', 'b', i % 100)]);
    await waitUntil(() => b.stats().server.receivedMessages === 1000, '1000 messages at b');

    expect(a.stats().peers['b']).toMatchObject({ sentFrames: 1, sentMessages: 1000, dropped: 0, queuedMessages: 0 });
    expect(b.stats().server.receivedFrames).toBe(1);
    expect(atB).toHaveLength(1);
    expect(atB[0].messages.map((m) => (m as Extract<Message, { type: 'heartbeat' }>).seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i % 100));
  });

  it('splits a large backlog into frames no larger than maxFrameBytes, preserving order', async () => {
    const maxFrameBytes = 4096;
    a = await startTransport('a', { maxFrameBytes });
    b = await startTransport('b', { maxFrameBytes });
    meshTransports({ a, b });
    const atB = collectBatches(b);

    const count = 1000;
    a.send(Array.from({ length: count }, (_, i) => heartbeat('a', 'b', i % 100)));
    await waitUntil(() => b.stats().server.receivedMessages === count, 'all messages at b');

    const sent = a.stats().peers['b'];
    // Every heartbeat here encodes to the same size, so the greedy split is exactly computable:
    // frame length = kind byte + array16 header (3) + n * size  <=  maxFrameBytes.
    const size = encodeFrame(FrameKind.Messages, [heartbeat('a', 'b', 0)]).length - 5 - 1;
    const perFrame = Math.floor((maxFrameBytes - 1 - 3) / size);
    expect(sent.sentFrames).toBe(Math.ceil(count / perFrame));
    expect(sent.sentBytes).toBe(count * size + sent.sentFrames * 5 + Math.floor(count / perFrame) * 3 + (count % perFrame >= 16 ? 3 : 1));
    expect(atB.map((batch) => batch.messages.length)).toEqual([
      ...Array.from({ length: Math.floor(count / perFrame) }, () => perFrame),
      ...(count % perFrame ? [count % perFrame] : []),
    ]);
    expect(atB.flatMap((x) => x.messages).map((m) => (m as Extract<Message, { type: 'heartbeat' }>).seq)).toEqual(
      Array.from({ length: count }, (_, i) => i % 100),
    );
  });

  it('counts messages for unknown nodes as unroutable and logs the unknown peer once', async () => {
    const logger = new RecordingLogger();
    a = await startTransport('a', { logger });
    b = await startTransport('b');
    a.send([heartbeat('a', 'zz', 1), heartbeat('a', 'zz', 2)]);
    a.send([heartbeat('a', 'zz', 3)]);
    expect(a.stats().unroutable).toBe(3);
    expect(logger.warningsWithCode('UNKNOWN_PEER')).toHaveLength(1);
  });

  it('follows membership changes: addPeer starts routing, removePeer closes the connection', async () => {
    a = await startTransport('a');
    b = await startTransport('b');
    const atB = collectBatches(b);
    a.send([heartbeat('a', 'b', 1)]);
    expect(a.stats().unroutable).toBe(1);

    a.addPeer('b', b.address()!);
    a.send([heartbeat('a', 'b', 2)]);
    await waitUntil(() => atB.length === 1, 'delivery after addPeer');
    expect(atB[0].messages).toEqual([heartbeat('a', 'b', 2)]);
    expect(b.stats().server.connections).toBe(1);

    await a.removePeer('b');
    expect(Object.keys(a.stats().peers)).toEqual([]);
    await waitUntil(() => b.stats().server.connections === 0, 'inbound connection closed at b');
    a.send([heartbeat('a', 'b', 3)]);
    expect(a.stats().unroutable).toBe(2);
  });

  it('reports per-peer stats, including peers never contacted', async () => {
    a = await startTransport('a');
    b = await startTransport('b');
    meshTransports({ a, b });
    a.addPeer('c', { host: '127.0.0.1', port: 1 });
    a.send([heartbeat('a', 'b', 1)]);
    await waitUntil(() => b.stats().server.receivedMessages === 1, 'delivery');
    const stats = a.stats();
    expect(stats.peers['b']).toMatchObject({ connected: true, sentFrames: 1, sentMessages: 1, queuedMessages: 0, queuedBytes: 0, dropped: 0, reconnects: 0 });
    expect(stats.peers['b'].sentBytes).toBeGreaterThan(5);
    expect(stats.peers['c']).toEqual({
      connected: false, queuedMessages: 0, queuedBytes: 0, dropped: 0, sentFrames: 0, sentMessages: 0, sentBytes: 0, reconnects: 0, lastErrorCode: null,
      address: { host: '127.0.0.1', port: 1 },
    });
  });

  it('discards messages sent after stop() and counts them as unroutable', async () => {
    a = await startTransport('a');
    b = await startTransport('b');
    meshTransports({ a, b });
    await a.stop();
    a.send([heartbeat('a', 'b', 1)]);
    expect(a.stats().unroutable).toBe(1);
    expect(a.stats().peers['b'].queuedMessages).toBe(0);
  });
});
