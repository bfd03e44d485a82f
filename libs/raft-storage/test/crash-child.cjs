// Crash-loop child: recovers the WAL, verifies it against what the parent saw acknowledged,
// then appends forever, reporting each durable index on stdout ("durable <n>"). The parent
// kill -9s it at a random moment. Runs the swc build output, so it starts in ~50 ms.
const { FileStorage } = require(process.env.STORAGE_DIST);

const [dir, mustHaveStr] = process.argv.slice(2);
const mustHave = Number(mustHaveStr);
const payload = (i) => Buffer.from(`entry-${i}-`.padEnd(40 + (i % 60), String.fromCharCode(97 + (i % 26))));

(async () => {
  const s = await FileStorage.open(dir, { segmentBytes: 64 * 1024 });
  const state = await s.load();
  const last = state.entries.length ? state.entries[state.entries.length - 1].index : 0;
  if (last < mustHave) {
    console.log(`VIOLATION lost acknowledged entries: recovered up to ${last}, acknowledged ${mustHave}`);
    return void (process.exitCode = 3);
  }
  for (let k = 0; k < state.entries.length; k++) {
    const e = state.entries[k];
    if (e.index !== k + 1 || Buffer.compare(Buffer.from(e.data), payload(e.index)) !== 0) {
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
  // Several concurrent appenders exercise group commit; each batch carries a hard state.
  const appender = async () => {
    for (;;) {
      const n = 1 + (next % 7);
      const batch = [];
      for (let j = 0; j < n; j++, next++) batch.push({ index: next, term: 1, type: 'normal', data: payload(next) });
      const top = batch[batch.length - 1].index;
      await s.save({ term: 1, vote: 'n1', commit: top }, batch);
      console.log(`durable ${top}`);
    }
  };
  await Promise.all([appender(), appender(), appender()]);
})().catch((e) => {
  console.log(`ERROR ${e && e.stack}`);
  process.exitCode = 4;
});
