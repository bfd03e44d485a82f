// Crash-loop child: recovers the WAL, verifies it against what the parent saw acknowledged,
// then appends forever, reporting each durable index on stdout ("durable <n>"). The parent
// kill -9s it at a random moment. Runs the swc build output, so it starts in ~50 ms.
// With CRASH_COMPACT=1 it also takes a snapshot and compacts every few milliseconds, so
// compacted segments become spares and new segments reuse them while it is killed.
const { FileStorage } = require(process.env.STORAGE_DIST);

const [dir, mustHaveStr] = process.argv.slice(2);
const mustHave = Number(mustHaveStr);
const payload = (i) => Buffer.from(`entry-${i}-`.padEnd(40 + (i % 60), String.fromCharCode(97 + (i % 26))));

(async () => {
  const compacting = process.env.CRASH_COMPACT === '1';
  // Small segments when compacting, so that even a short life between kills rotates into spares.
  const s = await FileStorage.open(dir, { segmentBytes: compacting ? 8 * 1024 : 64 * 1024 });
  const state = await s.load();
  let floor = state.snapshot ? state.snapshot.index : 0;
  const last = state.entries.length ? state.entries[state.entries.length - 1].index : floor;
  if (last < mustHave) {
    console.log(`VIOLATION lost acknowledged entries: recovered up to ${last}, acknowledged ${mustHave}`);
    return void (process.exitCode = 3);
  }
  for (let k = 0; k < state.entries.length; k++) {
    const e = state.entries[k];
    if (e.index !== floor + k + 1 || Buffer.compare(Buffer.from(e.data), payload(e.index)) !== 0) {
      console.log(`VIOLATION entry ${e.index} at position ${k} is not what was written`);
      return void (process.exitCode = 3);
    }
  }
  if (state.hardState.commit > last) {
    console.log(`VIOLATION hard state commit ${state.hardState.commit} beyond the log (${last})`);
    return void (process.exitCode = 3);
  }
  console.log(`recovered ${last}`);
  let next = last + 1;
  let durableTop = last;
  // Several concurrent appenders exercise group commit; each batch carries a hard state.
  const appender = async () => {
    for (;;) {
      const n = 1 + (next % 7);
      const batch = [];
      for (let j = 0; j < n; j++, next++) batch.push({ index: next, term: 1, type: 'normal', data: payload(next) });
      const top = batch[batch.length - 1].index;
      await s.save({ term: 1, vote: 'n1', commit: top }, batch);
      durableTop = Math.max(durableTop, top);
      console.log(`durable ${top}`);
    }
  };
  const compactor = async () => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 3));
      const index = durableTop - 10;
      if (index < floor + 40) continue;
      const w = await s.createSnapshot({ index, term: 1, config: { voters: ['n1'], learners: [], outgoing: [] } });
      await w.write(Buffer.from(`state@${index}`));
      await w.commit();
      await s.compact(index);
      floor = index;
    }
  };
  await Promise.all([appender(), appender(), appender(), ...(compacting ? [compactor()] : [])]);
})().catch((e) => {
  console.log(`ERROR ${e && e.stack}`);
  process.exitCode = 4;
});
