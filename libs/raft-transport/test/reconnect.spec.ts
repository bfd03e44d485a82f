import type { Message } from '@raft/raft-core';
import { PeerTransport } from '../src';
import { heartbeat } from './support/raft-messages';
import { RecordingLogger } from './support/recording-logger';
import { collectBatches, meshTransports, startTransport } from './support/transport-pair';
import { waitUntil } from './support/wait';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('reconnecting to a peer that went away', () => {
  const running: PeerTransport[] = [];
  const track = (t: PeerTransport): PeerTransport => {
    running.push(t);
    return t;
  };

  afterEach(async () => {
    await Promise.all(running.splice(0).map((t) => t.stop()));
  });

  it('keeps messages queued while the peer is down and delivers them, in order, once it is back', async () => {
    const a = track(await startTransport('a', { backoff: { baseMs: 10, capMs: 40 } }));
    const b = track(await startTransport('b'));
    meshTransports({ a, b });
    const port = b.address()!.port;
    const atB = collectBatches(b);
    a.send([heartbeat('a', 'b', 0)]);
    await waitUntil(() => atB.length === 1, 'first delivery');

    await b.stop();
    await waitUntil(() => !a.stats().peers['b'].connected, 'a notices that b is gone');
    const queued: Message[] = Array.from({ length: 10 }, (_, i) => heartbeat('a', 'b', i + 1));
    a.send(queued);
    await sleep(150); // several failed redials at 10–40 ms
    expect(a.stats().peers['b']).toMatchObject({ connected: false, queuedMessages: 10, dropped: 0, lastErrorCode: 'SOCKET_ERROR' });

    const b2 = track(await startTransport('b', {}, 'test-cluster', port));
    const atB2 = collectBatches(b2);
    await waitUntil(() => atB2.flatMap((x) => x.messages).length === 10, 'queued messages delivered to the restarted peer');

    expect(atB2.flatMap((x) => x.messages)).toEqual(queued);
    expect(a.stats().peers['b']).toMatchObject({ connected: true, queuedMessages: 0, reconnects: 1, sentMessages: 11 });
  });

  it('refuses a server that answers with another node id and keeps the messages queued', async () => {
    const logger = new RecordingLogger();
    const a = track(await startTransport('a', { logger, backoff: { baseMs: 20, capMs: 40 } }));
    const b = track(await startTransport('b'));
    a.addPeer('c', b.address()!); // mis-wired: c's address points at b
    const atB = collectBatches(b);
    a.send([heartbeat('a', 'c', 1)]);

    await waitUntil(() => logger.warningsWithCode('UNEXPECTED_PEER').length >= 1, 'unexpected-peer warning');
    expect(logger.warningsWithCode('UNEXPECTED_PEER')[0].context).toMatchObject({ direction: 'outbound', self: 'a', remote: `127.0.0.1:${b.address()!.port}` });
    expect(a.stats().peers['c']).toMatchObject({ connected: false, queuedMessages: 1, sentMessages: 0, lastErrorCode: 'UNEXPECTED_PEER' });
    expect(atB).toEqual([]);
  });

  it('is refused by a server of another cluster and never delivers to it', async () => {
    const serverLogger = new RecordingLogger();
    const a = track(await startTransport('a', { backoff: { baseMs: 20, capMs: 40 } }, 'cluster-one'));
    const b = track(await startTransport('b', { logger: serverLogger }, 'cluster-two'));
    a.addPeer('b', b.address()!);
    const atB = collectBatches(b);
    a.send([heartbeat('a', 'b', 1)]);

    await waitUntil(() => serverLogger.warningsWithCode('CLUSTER_MISMATCH').length >= 2, 'server refuses the first dial and the redial');
    expect(serverLogger.warningsWithCode('CLUSTER_MISMATCH')[0].context['reason']).toBe('peer belongs to cluster "cluster-one", expected "cluster-two"');
    expect(a.stats().peers['b']).toMatchObject({ connected: false, queuedMessages: 1, sentMessages: 0 });
    expect(atB).toEqual([]);
  });

  it('draws its jitter from the injected random source and stops redialling once stopped', async () => {
    let draws = 0;
    const random = (): number => {
      draws++;
      return 0;
    };
    const a = track(await startTransport('a', { backoff: { baseMs: 10, capMs: 20 }, random }));
    a.addPeer('ghost', { host: '127.0.0.1', port: 1 }); // nothing listens on port 1
    a.send([heartbeat('a', 'ghost', 1)]);
    await waitUntil(() => draws >= 3, 'three failed dials');
    await a.stop();
    const drawsAtStop = draws;
    await sleep(80); // would be 4+ more redials at 10–20 ms if a timer survived
    expect(draws).toBe(drawsAtStop);
    expect(a.stats().peers['ghost'].connected).toBe(false);
  });
});
