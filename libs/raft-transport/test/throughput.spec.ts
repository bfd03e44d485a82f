import { formatResult, measureThroughput } from './bench/throughput';

describe('loopback throughput (figures printed, not asserted)', () => {
  it('moves 100-byte-entry AppendEntries batches between two transports without loss', async () => {
    const result = await measureThroughput({ messages: 30_000, entriesPerMessage: 1, entryBytes: 100, messagesPerSend: 100 });
    console.log(formatResult(result));
    expect(result.dropped).toBe(0);
    expect(result.frames).toBeGreaterThan(0);
    // Every message arrived: the run only ends when the receiver counted all of them.
    expect(result.wireBytes).toBeGreaterThan(30_000 * 100);
  }, 120_000);
});
