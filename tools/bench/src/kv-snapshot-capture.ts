// What taking a KV snapshot costs the apply loop with many tracked clients: the synchronous
// capture, and the longest synchronous step while the capture is streamed out (the writer
// yields to the event loop after every chunk, as a file would).
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/kv-snapshot-capture.ts [--clients 100000]
import { encodeCommand, KvStateMachine, type KvCommand } from '@raft/raft-kv';

const i = process.argv.indexOf('--clients');
const clients = i > 0 ? Number(process.argv[i + 1]) : 100_000;
if (!(Number.isInteger(clients) && clients > 0)) throw new Error('--clients must be a positive integer');

async function main(): Promise<void> {
  const sm = new KvStateMachine();
  for (let c = 0; c < clients; c++) {
    const cmd: KvCommand = { op: 'put', key: `k${c}`, value: 'v'.repeat(64), clientId: `client-${c}`, requestId: `r-${c}`, ts: 1000 + c };
    sm.apply({ index: c + 1, term: 1, type: 'normal', data: encodeCommand(cmd) });
  }
  console.log(`${clients} keys, ${sm.sessionCount()} client sessions`);
  for (let round = 1; round <= 4; round++) {
    const t0 = performance.now();
    const captured = sm.captureSnapshot();
    const captureMs = performance.now() - t0;
    let bytes = 0;
    let longest = 0;
    let last = performance.now();
    await captured.write({
      write: async (chunk) => {
        bytes += chunk.length;
        longest = Math.max(longest, performance.now() - last);
        await new Promise((resolve) => setImmediate(resolve));
        last = performance.now();
      },
      commit: async () => undefined,
      abort: async () => undefined,
    });
    captured.release();
    console.log(`round ${round}: capture ${captureMs.toFixed(1)} ms, longest step while writing ${longest.toFixed(1)} ms, ${(bytes / 1e6).toFixed(1)} MB`);
  }
}

void main();
