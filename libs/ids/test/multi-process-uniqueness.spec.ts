import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnowflake } from '../src/index';
import { REDIS_URL, type TestRedis, connectTestRedis } from './support/test-redis';

const PROCESSES = 4;
const SNOWFLAKES_PER_PROCESS = 50_000;
const SEQUENCES_PER_PROCESS = 5_000;
const TSX_CLI = require.resolve('tsx/cli');
const WORKER = join(__dirname, 'fixtures', 'id-worker-process.ts');

interface ChildResult {
  readonly workerId: number;
  readonly snowflakes: BigUint64Array;
  readonly sequences: Float64Array;
}

function runChild(index: number, dir: string, prefix: string): Promise<ChildResult> {
  const out = join(dir, `child-${index}`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [TSX_CLI, WORKER],
      {
        env: {
          ...process.env,
          IDS_PREFIX: prefix,
          IDS_SNOWFLAKES: String(SNOWFLAKES_PER_PROCESS),
          IDS_SEQUENCES: String(SEQUENCES_PER_PROCESS),
          IDS_OUT: out,
          IDS_REDIS_URL: REDIS_URL,
          IDS_BARRIER: String(PROCESSES),
        },
        timeout: 40_000,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`child ${index} failed: ${error.message}\n${stderr}`));
          return;
        }
        const { workerId } = JSON.parse(stdout) as { workerId: number };
        const snowflakes = readFileSync(`${out}.snowflakes`);
        const sequences = readFileSync(`${out}.sequences`);
        resolve({
          workerId,
          snowflakes: new BigUint64Array(snowflakes.buffer, snowflakes.byteOffset, snowflakes.byteLength / 8),
          sequences: new Float64Array(sequences.buffer, sequences.byteOffset, sequences.byteLength / 8),
        });
      },
    );
  });
}

describe('uniqueness across processes (real Redis, 4 child processes)', () => {
  let redis: TestRedis;
  let dir: string;

  beforeAll(() => {
    redis = connectTestRedis('multiproc');
    dir = mkdtempSync(join(tmpdir(), 'ids-multiproc-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await redis.cleanup();
  });

  it('leases distinct worker ids; all ids are globally unique and increase within each process', async () => {
    const children = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runChild(i, dir, redis.prefix)));

    expect(new Set(children.map((c) => c.workerId)).size).toBe(PROCESSES);

    const allSnowflakes = new Set<bigint>();
    for (const child of children) {
      expect(child.snowflakes).toHaveLength(SNOWFLAKES_PER_PROCESS);
      for (let i = 0; i < child.snowflakes.length; i++) {
        const id = child.snowflakes[i]!;
        if (i > 0 && !(id > child.snowflakes[i - 1]!)) throw new Error(`snowflake ${i} of worker ${child.workerId} did not increase`);
        allSnowflakes.add(id);
      }
      expect(parseSnowflake(child.snowflakes[0]!).workerId).toBe(child.workerId);
    }
    expect(allSnowflakes.size).toBe(PROCESSES * SNOWFLAKES_PER_PROCESS);

    const allSequences = new Set<number>();
    for (const child of children) {
      expect(child.sequences).toHaveLength(SEQUENCES_PER_PROCESS);
      for (let i = 0; i < child.sequences.length; i++) {
        const n = child.sequences[i]!;
        if (i > 0 && !(n > child.sequences[i - 1]!)) throw new Error(`sequence ${i} of worker ${child.workerId} did not increase`);
        allSequences.add(n);
      }
    }
    expect(allSequences.size).toBe(PROCESSES * SEQUENCES_PER_PROCESS);
    // Blocks of 100 were reserved and each process used all 50 of its blocks fully.
    expect(Math.max(...allSequences)).toBe(PROCESSES * SEQUENCES_PER_PROCESS);
    expect(await redis.redis.get(`${redis.prefix}global:shared`)).toBe(String(PROCESSES * SEQUENCES_PER_PROCESS));
    // Every child released its lease.
    expect(await redis.redis.zcard(`${redis.prefix}{worker-ids}:expiry`)).toBe(0);
  }, 60_000);
});
