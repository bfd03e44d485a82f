import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** A connection to the shared Redis plus a key prefix unique to this test run. */
export interface TestRedis {
  readonly redis: Redis;
  readonly prefix: string;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

export const REDIS_URL = process.env['IDS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export function connectTestRedis(label: string): TestRedis {
  const redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  const prefix = `ids-test:${label}:${process.pid}:${randomUUID()}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
