import { Registry } from 'prom-client';
import type { PeerLinkStats, PeerTransportStats } from '@raft/raft-transport';
import { registerTransportMetrics } from './transport-metrics';

function link(overrides: Partial<PeerLinkStats>): PeerLinkStats {
  return { connected: true, queuedMessages: 0, queuedBytes: 0, dropped: 0, sentFrames: 0, sentMessages: 0, sentBytes: 0, reconnects: 0, lastErrorCode: null, ...overrides };
}

function stats(n2: Partial<PeerLinkStats>, n3: Partial<PeerLinkStats>, rejected: number): PeerTransportStats {
  const address = { host: '127.0.0.1', port: 1 };
  return {
    peers: { n2: { ...link(n2), address }, n3: { ...link(n3), address } },
    unroutable: 4,
    server: { connections: 2, receivedFrames: 10, receivedMessages: 30, receivedBytes: 4096, rejectedConnections: rejected },
  };
}

describe('registerTransportMetrics', () => {
  it('exposes the transport counts at scrape time, per peer, as the transport reports them now', async () => {
    const registry = new Registry();
    let current: PeerTransportStats | null = null;
    registerTransportMetrics(registry, () => current);
    // Before the node binds its transport: the metrics exist and say nothing.
    expect(await registry.metrics()).not.toMatch(/raft_peer_connected\{/);

    current = stats({ sentFrames: 5, sentMessages: 9, sentBytes: 700, dropped: 1 }, { connected: false, reconnects: 2, queuedMessages: 3, queuedBytes: 300 }, 0);
    let text = await registry.metrics();
    expect(text).toContain('raft_peer_connected{peer="n2"} 1');
    expect(text).toContain('raft_peer_connected{peer="n3"} 0');
    expect(text).toContain('raft_peer_sent_frames_total{peer="n2"} 5');
    expect(text).toContain('raft_peer_sent_messages_total{peer="n2"} 9');
    expect(text).toContain('raft_peer_sent_bytes_total{peer="n2"} 700');
    expect(text).toContain('raft_peer_dropped_messages_total{peer="n2"} 1');
    expect(text).toContain('raft_peer_reconnects_total{peer="n3"} 2');
    expect(text).toContain('raft_peer_queued_messages{peer="n3"} 3');
    expect(text).toContain('raft_peer_queued_bytes{peer="n3"} 300');
    expect(text).toContain('# TYPE raft_peer_sent_bytes_total counter');
    expect(text).toContain('raft_transport_inbound_connections 2');
    expect(text).toContain('raft_transport_received_messages_total 30');
    expect(text).toContain('raft_transport_unroutable_messages_total 4');
    expect(text).toContain('raft_transport_rejected_connections_total 0');

    // Absolute values, not increments: a second scrape reports the new totals.
    current = stats({ sentFrames: 8 }, {}, 3);
    text = await registry.metrics();
    expect(text).toContain('raft_peer_sent_frames_total{peer="n2"} 8');
    expect(text).toContain('raft_transport_rejected_connections_total 3');
    // A peer that left the configuration leaves the metrics too.
    current = { ...stats({}, {}, 3), peers: { n2: { ...link({}), address: { host: '127.0.0.1', port: 1 } } } };
    expect(await registry.metrics()).not.toContain('peer="n3"');
  });
});
