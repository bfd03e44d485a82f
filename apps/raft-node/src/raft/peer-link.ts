import type { LoggerService } from '@nestjs/common';
import type { Message } from '@raft/raft-core';
import { PeerTransport, type PeerTransportStats } from '@raft/raft-transport';
import type { NodeEnv, PeerAddress } from '../config/node-config';
import type { AddressListener, MemberAddress } from './address-book';

/** The node's view of the peer transport: send, receive, and follow membership. */
export interface PeerLink extends AddressListener {
  send(messages: readonly Message[]): void;
  onMessages(handler: (messages: Message[]) => void): void;
  stats(): PeerTransportStats;
  stop(): Promise<void>;
}

function split(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** Starts the TCP peer transport (a @nestjs/microservices custom strategy underneath). */
export async function createPeerLink(env: NodeEnv, peers: readonly PeerAddress[], logger: LoggerService): Promise<PeerLink> {
  const transport = new PeerTransport({
    selfId: env.NODE_ID,
    clusterId: env.CLUSTER_ID,
    listen: { host: env.HOST, port: env.PEER_PORT },
    peers: Object.fromEntries(peers.filter((p) => p.id !== env.NODE_ID).map((p) => [p.id, { host: p.host, port: p.peerPort }])),
    logger: {
      info: (ctx, msg) => logger.log(`${msg} ${JSON.stringify(ctx)}`, 'transport'),
      warn: (ctx, msg) => logger.warn(`${msg} ${JSON.stringify(ctx)}`, 'transport'),
      error: (ctx, msg) => logger.error(`${msg} ${JSON.stringify(ctx)}`, undefined, 'transport'),
    },
  });
  await transport.start();
  return {
    send: (messages) => transport.send(messages),
    onMessages: (handler) => transport.onMessages((msgs) => handler(msgs)),
    stats: () => transport.stats(),
    stop: () => transport.stop(),
    set: (id: string, address: MemberAddress) => transport.addPeer(id, split(address.peer)),
    remove: (id: string) => transport.removePeer(id),
  };
}
