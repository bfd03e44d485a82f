/**
 * Loopback throughput of two PeerTransports: AppendEntries messages carrying 100-byte entries.
 * Run directly:  npx tsx libs/raft-transport/test/bench/throughput.ts
 * (the spec `throughput.spec.ts` runs a small configuration and prints the same figures).
 */
import { performance } from 'node:perf_hooks';
import type { Message } from '@raft/raft-core';
import { PeerTransport } from '../../src';
import { appendWithEntries } from '../support/raft-messages';

/** One benchmark configuration. */
export interface ThroughputConfig {
  readonly messages: number;
  readonly entriesPerMessage: number;
  readonly entryBytes: number;
  /** Messages per `send` call (one Raft Ready's worth). */
  readonly messagesPerSend: number;
}

/** Figures of one run. */
export interface ThroughputResult extends ThroughputConfig {
  readonly seconds: number;
  readonly frames: number;
  readonly wireBytes: number;
  readonly messagesPerSecond: number;
  readonly entriesPerSecond: number;
  /** Wire megabytes (10^6 bytes) per second, frame overhead included. */
  readonly wireMBPerSecond: number;
  /** Entry payload megabytes (10^6 bytes) per second. */
  readonly payloadMBPerSecond: number;
  readonly dropped: number;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Streams `config.messages` AppendEntries from a to b and times until the last one arrives. */
export async function measureThroughput(config: ThroughputConfig): Promise<ThroughputResult> {
  const b = new PeerTransport({ selfId: 'b', clusterId: 'bench', listen: { host: '127.0.0.1', port: 0 }, peers: {} });
  await b.start();
  const a = new PeerTransport({
    selfId: 'a',
    clusterId: 'bench',
    listen: { host: '127.0.0.1', port: 0 },
    peers: { b: b.address()! },
    maxQueueMessages: 100_000,
  });
  await a.start();
  try {
    let received = 0;
    const allReceived = new Promise<void>((resolve) => {
      b.onMessages((messages) => {
        received += messages.length;
        if (received >= config.messages) resolve();
      });
    });
    const chunk: Message[] = Array.from({ length: config.messagesPerSend }, (_, i) =>
      appendWithEntries('a', 'b', 1 + i * config.entriesPerMessage, config.entriesPerMessage, config.entryBytes),
    );

    const started = performance.now();
    for (let sent = 0; sent < config.messages; sent += chunk.length) {
      // Pace the producer like a leader with a flow-control window would, instead of
      // measuring the drop path.
      while (a.stats().peers['b'].queuedMessages > 20_000) await nextTurn();
      a.send(sent + chunk.length <= config.messages ? chunk : chunk.slice(0, config.messages - sent));
      await nextTurn();
    }
    await allReceived;
    const seconds = (performance.now() - started) / 1000;

    const stats = a.stats().peers['b'];
    const entries = config.messages * config.entriesPerMessage;
    return {
      ...config,
      seconds,
      frames: stats.sentFrames,
      wireBytes: stats.sentBytes,
      messagesPerSecond: config.messages / seconds,
      entriesPerSecond: entries / seconds,
      wireMBPerSecond: stats.sentBytes / seconds / 1e6,
      payloadMBPerSecond: (entries * config.entryBytes) / seconds / 1e6,
      dropped: stats.dropped,
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

/** One line per run, for humans. */
export function formatResult(r: ThroughputResult): string {
  return (
    `${r.messages} AppendEntries × ${r.entriesPerMessage} entries × ${r.entryBytes} B, ${r.messagesPerSend}/send: ` +
    `${Math.round(r.messagesPerSecond).toLocaleString('en-US')} msg/s, ` +
    `${Math.round(r.entriesPerSecond).toLocaleString('en-US')} entries/s, ` +
    `${r.wireMBPerSecond.toFixed(1)} MB/s on the wire (${r.payloadMBPerSecond.toFixed(1)} MB/s of entry data), ` +
    `${r.frames} frames, ${r.dropped} dropped, ${r.seconds.toFixed(2)} s`
  );
}

async function main(): Promise<void> {
  const configs: ThroughputConfig[] = [
    { messages: 200_000, entriesPerMessage: 1, entryBytes: 100, messagesPerSend: 100 },
    { messages: 20_000, entriesPerMessage: 64, entryBytes: 100, messagesPerSend: 10 },
  ];
  for (const config of configs) {
    await measureThroughput(config); // warm-up: JIT and socket buffers
    console.log(formatResult(await measureThroughput(config)));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
