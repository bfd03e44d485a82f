// Cost of one KV command through the log codec: encoded once on the node that takes the
// request, decoded on every replica that applies it. The binary layout (what encodeCommand
// writes now) against the msgpack map that earlier versions wrote (still decoded), for the
// benchmark's put (256-byte value, server-made ids) and a tracked cas.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/kv-command-codec.ts [--rounds 3]
import { decodeCommand, encodeCommand, encodeMsgpackCommand, type KvCommand } from '@raft/raft-kv';
import { argValue } from './cli-arg';

const N = 300_000;
const value = 'x'.repeat(256);
const commands: Record<string, (k: number) => KvCommand> = {
  'put, 256 B value': (k) => ({ op: 'put', key: `bench-${k % 256}-${k % 1000}`, value, clientId: 'anon-3f9c2a71d04b8e65', requestId: k.toString(36), untracked: true, ts: 1_795_000_000_000 + k }),
  'cas, tracked': (k) => ({ op: 'cas', key: `user/${k % 5000}`, expect: 'old', value: 'new', clientId: 'c-5b1e', requestId: `r-${k}`, ts: 1_795_000_000_000 + k }),
};

function nsPer(work: (k: number) => unknown): number {
  for (let k = 0; k < N / 5; k++) work(k); // JIT warm-up
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < N; k++) work(k);
  return Number(process.hrtime.bigint() - t0) / N;
}

const rounds = Number(argValue('rounds', '3'));
for (let round = 1; round <= rounds; round++) {
  for (const [name, make] of Object.entries(commands)) {
    const sample = make(7);
    const binary = encodeCommand(sample);
    const msgpack = encodeMsgpackCommand(sample);
    const row = (codec: string, encode: (c: KvCommand) => Uint8Array, bytes: Uint8Array): string => {
      const encodeNs = nsPer((k) => encode(make(k)));
      const decodeNs = nsPer(() => decodeCommand(bytes));
      return `  ${codec.padEnd(8)} ${String(bytes.length).padStart(4)} B   encode ${encodeNs.toFixed(0).padStart(5)} ns   decode ${decodeNs.toFixed(0).padStart(5)} ns`;
    };
    console.log(`round ${round}, ${name}:`);
    console.log(row('binary', encodeCommand, binary));
    console.log(row('msgpack', encodeMsgpackCommand, msgpack));
  }
}
