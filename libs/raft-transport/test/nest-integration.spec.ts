import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { Message } from '@raft/raft-core';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import {
  NO_MESSAGE_HANDLER_ERROR,
  PeerTransport,
  RAFT_MESSAGES_PATTERN,
  RaftTransportClient,
  RaftTransportContext,
} from '../src';
import { everyMessageType, heartbeat, normalizeBytes } from './support/raft-messages';
import { collectBatches, startTransport } from './support/transport-pair';
import { waitUntil } from './support/wait';

const received: { from: string; messages: Message[] }[] = [];
const notes: { from: string; text: string }[] = [];

@Controller()
class RaftController {
  @EventPattern(RAFT_MESSAGES_PATTERN)
  onMessages(@Payload() messages: Message[], @Ctx() context: RaftTransportContext): void {
    received.push({ from: context.getPeerId(), messages });
  }

  @EventPattern('admin.note')
  onNote(@Payload() data: { text: string }, @Ctx() context: RaftTransportContext): void {
    notes.push({ from: context.getPeerId(), text: data.text });
  }

  @MessagePattern('admin.ping')
  ping(@Payload() data: { nonce: number }, @Ctx() context: RaftTransportContext): { pong: number; from: string; pattern: string } {
    return { pong: data.nonce, from: context.getPeerId(), pattern: context.getPattern() };
  }

  @MessagePattern('admin.countdown')
  countdown(@Payload() data: { from: number }): unknown {
    return from(Array.from({ length: data.from }, (_, i) => data.from - i));
  }

  @MessagePattern('admin.refuse')
  refuse(): never {
    throw new RpcException({ status: 'error', code: 'REFUSED', message: 'not today' });
  }
}

describe('RaftTransportServer as the strategy of a Nest microservice', () => {
  let app: INestApplication;
  let b: PeerTransport;
  let a: PeerTransport;
  let admin: RaftTransportClient | undefined;

  beforeEach(async () => {
    received.length = 0;
    notes.length = 0;
    b = new PeerTransport({ selfId: 'b', clusterId: 'test-cluster', listen: { host: '127.0.0.1', port: 0 }, peers: {} });
    const moduleRef = await Test.createTestingModule({ controllers: [RaftController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice({ strategy: b.server }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.init();
    a = await startTransport('a');
    a.addPeer('b', b.address()!);
  });

  afterEach(async () => {
    await admin?.close();
    admin = undefined;
    await a.stop();
    await app.close();
  });

  it('delivers batches to the @EventPattern("raft.messages") controller and to the direct hook', async () => {
    const direct = collectBatches(b);
    const messages = everyMessageType('a', 'b');
    a.send(messages);
    await waitUntil(() => received.length === 1 && direct.length === 1, 'both receivers got the batch');

    expect(received[0].from).toBe('a');
    expect(normalizeBytes(received[0].messages)).toEqual(normalizeBytes(messages));
    expect(direct[0].messages).toBe(received[0].messages);
  });

  it('answers a request sent through the client proxy from a @MessagePattern handler', async () => {
    const reply = await firstValueFrom(a.client('b').send('admin.ping', { nonce: 7 }));
    expect(reply).toEqual({ pong: 7, from: 'a', pattern: 'admin.ping' });
  });

  it('works from a standalone client proxy, including streamed replies, remote errors and unknown patterns', async () => {
    admin = new RaftTransportClient({ host: '127.0.0.1', port: b.address()!.port, selfId: 'admin-cli', clusterId: 'test-cluster' });
    await admin.connect();

    expect(await firstValueFrom(admin.send('admin.ping', { nonce: 1 }))).toEqual({ pong: 1, from: 'admin-cli', pattern: 'admin.ping' });
    expect(await lastValueFrom(admin.send('admin.countdown', { from: 3 }).pipe(toArray()))).toEqual([3, 2, 1]);
    await expect(firstValueFrom(admin.send('admin.refuse', {}))).rejects.toEqual({ status: 'error', code: 'REFUSED', message: 'not today' });
    await expect(firstValueFrom(admin.send('admin.nope', {}))).rejects.toBe(NO_MESSAGE_HANDLER_ERROR);

    await firstValueFrom(admin.emit('admin.note', { text: 'hello' }), { defaultValue: undefined });
    await firstValueFrom(admin.emit(RAFT_MESSAGES_PATTERN, [heartbeat('admin-cli', 'b', 5)]), { defaultValue: undefined });
    await waitUntil(() => notes.length === 1 && received.length === 1, 'event and batch delivered');
    expect(notes).toEqual([{ from: 'admin-cli', text: 'hello' }]);
    expect(received).toEqual([{ from: 'admin-cli', messages: [heartbeat('admin-cli', 'b', 5)] }]);
    expect(admin.stats()).toMatchObject({ sentFrames: 1, sentMessages: 1 });
  });

  it('closing the Nest app closes the transport: listener, inbound and outbound connections', async () => {
    b.addPeer('a', a.address()!);
    b.send([heartbeat('b', 'a', 1)]);
    a.send([heartbeat('a', 'b', 1)]);
    await waitUntil(() => b.stats().peers['a'].sentMessages === 1 && received.length === 1, 'traffic both ways');

    await app.close();
    expect(b.address()).toBeNull();
    expect(b.stats().server.connections).toBe(0);
    expect(b.stats().peers['a'].connected).toBe(false);
    await waitUntil(() => !a.stats().peers['b'].connected, 'a sees b gone');
  });
});
