// Node 20's V8 (11.3) makes every property added after an object spread slow: `{ ...body,
// a }` costs ~1 µs per added property where a literal or Object.assign costs ~0.1 µs. The KV
// write path built each command that way (BENCHMARKS.md). Each row: ns per object, three rounds.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/object-spread-cost.ts
const N = 1_000_000;
const value = 'x'.repeat(256);
const anon = 'anon-3f9c2a71d04b8e65';
let sink: unknown;
let counter = 0;
const body = (i: number): { op: string; key: string; value: string } => ({ op: 'put', key: `k${i & 1023}`, value });

const variants: Record<string, (i: number) => unknown> = {
  'the body alone (baseline)': (i) => (sink = body(i)),
  '{ ...body }': (i) => (sink = { ...body(i) }),
  '{ ...body, a } (one property added)': (i) => (sink = { ...body(i), a: 1 }),
  '{ ...body, clientId, requestId, untracked, ts } (the old KV command)': (i) =>
    (sink = { ...body(i), clientId: anon, requestId: (++counter).toString(36), untracked: true, ts: Date.now() }),
  'literal with the same fields (the KV command now)': (i) => {
    const b = body(i);
    return (sink = { op: b.op, key: b.key, value: b.value, clientId: anon, requestId: (++counter).toString(36), untracked: true, ts: Date.now() });
  },
  'Object.assign({}, body, { a })': (i) => (sink = Object.assign({}, body(i), { a: 1 })),
  '{ a, ...body } (added before the spread)': (i) => (sink = { a: 1, ...body(i) }),
  '{ ...body, key } (overwriting an existing property)': (i) => (sink = { ...body(i), key: 'k' }),
};

function nsPer(work: (i: number) => unknown): number {
  for (let i = 0; i < N / 4; i++) work(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) work(i);
  return Number(process.hrtime.bigint() - t0) / N;
}

for (const [name, work] of Object.entries(variants)) {
  const rounds = [nsPer(work), nsPer(work), nsPer(work)].map((ns) => ns.toFixed(0).padStart(5));
  console.log(`${rounds.join(' ')} ns  ${name}`);
}
if (sink === undefined) throw new Error('unreachable');
