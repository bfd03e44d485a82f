import { Counter, Gauge, type Registry } from 'prom-client';
import type { PeerLinkStats, PeerTransportStats } from '@raft/raft-transport';

type ServerCounterField = 'receivedFrames' | 'receivedMessages' | 'receivedBytes' | 'rejectedConnections';

/** A per-peer series: a gauge (current value) or a counter (the transport's cumulative count). */
type PeerMetric = readonly [kind: 'gauge' | 'counter', name: string, help: string, valueOf: (link: PeerLinkStats) => number];

const PEER_METRICS: readonly PeerMetric[] = [
  ['gauge', 'raft_peer_connected', '1 while the outbound connection to the peer is up (handshake done)', (link) => (link.connected ? 1 : 0)],
  ['gauge', 'raft_peer_queued_messages', 'Messages waiting in the bounded send queue of each peer', (link) => link.queuedMessages],
  ['gauge', 'raft_peer_queued_bytes', 'Bytes waiting in the bounded send queue of each peer', (link) => link.queuedBytes],
  ['counter', 'raft_peer_sent_frames_total', 'Frames written to each peer', (link) => link.sentFrames],
  ['counter', 'raft_peer_sent_messages_total', 'Raft messages sent to each peer', (link) => link.sentMessages],
  ['counter', 'raft_peer_sent_bytes_total', 'Wire bytes sent to each peer (frame headers included)', (link) => link.sentBytes],
  ['counter', 'raft_peer_dropped_messages_total', 'Messages to each peer dropped because its queue was full or a message did not fit a frame', (link) => link.dropped],
  ['counter', 'raft_peer_reconnects_total', 'Connections to each peer established after the first', (link) => link.reconnects],
];

const SERVER_COUNTERS: readonly (readonly [string, string, ServerCounterField])[] = [
  ['raft_transport_received_frames_total', 'Frames received from peers', 'receivedFrames'],
  ['raft_transport_received_messages_total', 'Raft messages received from peers', 'receivedMessages'],
  ['raft_transport_received_bytes_total', 'Wire bytes received from peers', 'receivedBytes'],
  ['raft_transport_rejected_connections_total', 'Inbound connections closed for a protocol fault (bad frame, wrong cluster, oversized frame)', 'rejectedConnections'],
];

/**
 * Registers the peer transport's metrics. The transport keeps its own cumulative counts
 * (it is a library and knows nothing of Prometheus); they are read at scrape time, so the
 * hot send path pays nothing for them. A peer whose address changes gets a new connection
 * and its counts restart from zero, which Prometheus reads as a counter reset.
 */
export function registerTransportMetrics(registry: Registry, stats: () => PeerTransportStats | null): void {
  // Each collector takes its own snapshot of the stats: a few small objects per scrape.
  for (const [kind, name, help, valueOf] of PEER_METRICS) {
    // Both kinds are rewritten from the snapshot at each scrape; a counter is reset and then
    // incremented by the cumulative count (prom-client counters have no set).
    const Metric = kind === 'gauge' ? Gauge : Counter;
    new Metric({
      name,
      help,
      labelNames: ['peer'],
      registers: [registry],
      collect(this: Gauge<'peer'> | Counter<'peer'>) {
        this.reset();
        for (const [peer, link] of peersOf(stats())) {
          if (this instanceof Gauge) this.set({ peer }, valueOf(link));
          else this.inc({ peer }, valueOf(link));
        }
      },
    });
  }
  new Gauge({
    name: 'raft_transport_inbound_connections',
    help: 'Inbound peer connections currently open',
    registers: [registry],
    collect() {
      const s = stats();
      if (s) this.set(s.server.connections);
    },
  });
  for (const [name, help, field] of SERVER_COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        this.reset();
        if (s) this.inc(s.server[field]);
      },
    });
  }
  new Counter({
    name: 'raft_transport_unroutable_messages_total',
    help: 'Messages addressed to a server that is not a known peer (or sent after stop)',
    registers: [registry],
    collect() {
      const s = stats();
      this.reset();
      if (s) this.inc(s.unroutable);
    },
  });
}

function peersOf(stats: PeerTransportStats | null): [string, PeerLinkStats][] {
  return stats ? Object.entries(stats.peers) : [];
}
