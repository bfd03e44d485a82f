import type { Socket } from 'node:net';
import fc from 'fast-check';
import { encodeFrame, FrameKind, PeerTransport, PROTOCOL_VERSION } from '../src';
import { heartbeat } from './support/raft-messages';
import { closed, handshakeFrame, rawConnect, rawFrame } from './support/raw-socket';
import { RecordingLogger } from './support/recording-logger';
import { collectBatches, meshTransports, startTransport } from './support/transport-pair';
import { waitUntil } from './support/wait';

const CLUSTER = 'test-cluster';
const HANDSHAKE_TIMEOUT_MS = 300;

interface HostileCase {
  readonly name: string;
  readonly code: string;
  /** Bytes the hostile client writes; `end` = it half-closes afterwards. */
  readonly bytes: () => Buffer;
  readonly end?: boolean;
}

const cases: HostileCase[] = [
  {
    name: 'garbage bytes as a frame body',
    code: 'MALFORMED_FRAME',
    bytes: () => Buffer.concat([handshakeFrame('evil', CLUSTER), rawFrame(FrameKind.Messages, Buffer.from([0xc1, 0xff, 0x00, 0x13]))]),
  },
  {
    name: 'a Messages frame that is valid msgpack but not Raft messages',
    code: 'MALFORMED_FRAME',
    bytes: () => Buffer.concat([handshakeFrame('evil', CLUSTER), encodeFrame(FrameKind.Messages, [{ type: 'vote', from: 'x' }])]),
  },
  {
    name: 'an oversized length prefix',
    code: 'FRAME_TOO_LARGE',
    bytes: () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0x01, 0x00]),
  },
  {
    name: 'a zero length prefix',
    code: 'MALFORMED_FRAME',
    bytes: () => Buffer.from([0, 0, 0, 0]),
  },
  {
    name: 'a truncated frame followed by close',
    code: 'TRUNCATED_FRAME',
    bytes: () => Buffer.concat([handshakeFrame('evil', CLUSTER), rawFrame(FrameKind.Messages, Buffer.alloc(100), 101).subarray(0, 15)]),
    end: true,
  },
  {
    name: 'an unknown frame kind',
    code: 'UNKNOWN_FRAME_KIND',
    bytes: () => Buffer.concat([handshakeFrame('evil', CLUSTER), rawFrame(0x7f, Buffer.from([0x90]))]),
  },
  {
    name: 'a handshake from another cluster',
    code: 'CLUSTER_MISMATCH',
    bytes: () => handshakeFrame('evil', 'other-cluster'),
  },
  {
    name: 'a handshake from a node of the previous protocol version',
    code: 'PROTOCOL_VIOLATION',
    bytes: () => encodeFrame(FrameKind.Handshake, { v: PROTOCOL_VERSION - 1, nodeId: 'old', clusterId: CLUSTER }),
  },
  {
    name: 'a Messages frame before any handshake',
    code: 'PROTOCOL_VIOLATION',
    bytes: () => encodeFrame(FrameKind.Messages, [heartbeat('evil', 'b', 1)]),
  },
  {
    name: 'a handshake that never comes',
    code: 'HANDSHAKE_TIMEOUT',
    bytes: () => Buffer.alloc(0),
  },
];

describe('a server facing hostile or broken connections', () => {
  let a: PeerTransport;
  let b: PeerTransport;
  let logger: RecordingLogger;
  const raw: Socket[] = [];

  beforeEach(async () => {
    logger = new RecordingLogger();
    b = await startTransport('b', { logger, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
    a = await startTransport('a');
    meshTransports({ a, b });
  });

  afterEach(async () => {
    for (const socket of raw.splice(0)) socket.destroy();
    await Promise.all([a.stop(), b.stop()]);
  });

  it.each(cases)('closes only the connection that sent $name, logs $code, and keeps serving', async ({ code, bytes, end }) => {
    const atB = collectBatches(b);
    a.send([heartbeat('a', 'b', 1)]);
    await waitUntil(() => atB.length === 1, 'healthy delivery before the attack');

    const hostile = await rawConnect(b.address()!.port);
    raw.push(hostile);
    const data = bytes();
    if (data.length > 0) hostile.write(data);
    if (end) hostile.end();
    await closed(hostile);
    await waitUntil(() => logger.warningsWithCode(code).length === 1, `a ${code} warning`);

    const [warning] = logger.warningsWithCode(code);
    expect(warning.context).toMatchObject({ direction: 'inbound', self: 'b', code });
    expect(typeof warning.context['reason']).toBe('string');
    expect((warning.context['reason'] as string).length).toBeGreaterThan(0);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(1);
    await waitUntil(() => b.stats().server.connections === 1, 'hostile session gone');
    expect(b.stats().server).toMatchObject({ connections: 1, rejectedConnections: 1 });

    a.send([heartbeat('a', 'b', 2)]);
    await waitUntil(() => atB.length === 2, 'healthy delivery after the attack');
    expect(atB[1]).toEqual({ from: 'a', messages: [heartbeat('a', 'b', 2)] });
    expect(a.stats().peers['b']).toMatchObject({ connected: true, reconnects: 0 });
  });

  it('survives seeded random byte streams on many connections at once', async () => {
    const atB = collectBatches(b);
    a.send([heartbeat('a', 'b', 1)]);
    await waitUntil(() => atB.length === 1, 'healthy delivery before the noise');
    const blobs = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 64 }), { seed: 0x5eed, numRuns: 40 });
    const sockets = await Promise.all(blobs.map(() => rawConnect(b.address()!.port)));
    raw.push(...sockets);
    sockets.forEach((socket, i) => socket.write(blobs[i]));
    await Promise.all(sockets.map(closed));

    await waitUntil(() => b.stats().server.rejectedConnections === blobs.length, 'every noisy connection rejected');
    expect(b.stats().server.connections).toBe(1);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(blobs.length);
    a.send([heartbeat('a', 'b', 3)]);
    await waitUntil(() => atB.length === 2, 'healthy delivery after the noise');
    expect(atB[1].messages).toEqual([heartbeat('a', 'b', 3)]);
    expect(a.stats().peers['b'].reconnects).toBe(0);
  });
});
