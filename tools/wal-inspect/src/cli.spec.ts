import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir, writeFixture } from '../test/fixture';

const root = resolve(__dirname, '..', '..', '..');

// The real entry point as `nx run wal-inspect:run` starts it (tsx), for exit statuses.
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['--tsconfig', 'tools/wal-inspect/tsconfig.json', 'tools/wal-inspect/src/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wal-inspect process', () => {
  it('exits 0 on a healthy directory, 2 on corruption naming file and offset, 1 on usage errors', async () => {
    const t = tempDir();
    try {
      const segments = await writeFixture(t.dir);
      const ok = run(t.dir, '--verify');
      expect([ok.status, ok.stdout.trim().split('\n').pop()]).toEqual([0, 'verify: OK']);
      const buf = readFileSync(segments[0]!);
      // The first entries record follows the segment's head: 28-byte preamble, hard state with
      // vote "n1" (13 + 18 + 2 bytes), snapshot marker (13 + 16). It holds one entry: 13-byte
      // header, then 21 bytes (length, index, term, type) and 50 of data.
      const firstRecord = 28 + (13 + 18 + 2) + (13 + 16);
      buf[firstRecord + 13 + 21 + 10] ^= 0x80; // in the entry's data
      writeFileSync(segments[0]!, buf);
      const bad = run(t.dir, '--verify');
      expect(bad.status).toBe(2);
      expect(bad.stdout).toContain(`error: ${segments[0]} at byte ${firstRecord}: CRC mismatch`);
      expect(run().status).toBe(1);
    } finally {
      t.cleanup();
    }
  }, 60_000);
});
