import { Writable } from 'node:stream';
import pino from 'pino';
import type { PeerTransport, TransportLogger } from '../src';
import { closed, handshakeFrame, rawConnect } from './support/raw-socket';
import { startTransport } from './support/transport-pair';
import { waitUntil } from './support/wait';

describe('logging through pino', () => {
  let b: PeerTransport;

  afterEach(async () => {
    await b.stop();
  });

  it('accepts a pino logger as is and writes the close reason as structured fields', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const logger: TransportLogger = pino({ level: 'info' }, sink);
    b = await startTransport('b', { logger });

    const socket = await rawConnect(b.address()!.port);
    socket.write(handshakeFrame('intruder', 'elsewhere'));
    await closed(socket);
    await waitUntil(() => lines.some((l) => l['code'] === 'CLUSTER_MISMATCH'), 'pino line with the code');

    const line = lines.find((l) => l['code'] === 'CLUSTER_MISMATCH')!;
    expect(line).toMatchObject({
      level: 40,
      direction: 'inbound',
      self: 'b',
      reason: 'peer belongs to cluster "elsewhere", expected "test-cluster"',
      msg: 'raft-transport: closing connection: peer belongs to cluster "elsewhere", expected "test-cluster"',
    });
  });
});
