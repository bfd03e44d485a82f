import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { createLimiterRedis } from '../../src';

/** The shared test Redis. */
export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = 6379;

/** A key prefix unique to this test run (keys are `<prefix>:{key}:kind`). */
export function uniquePrefix(label: string): string {
  return `rltest-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * A fresh connection with the limiter-safe options, once ready (without the offline queue,
 * commands sent before the connection is ready fail).
 */
export async function connect(): Promise<Redis> {
  const redis = createLimiterRedis({ host: REDIS_HOST, port: REDIS_PORT });
  if (redis.status !== 'ready') await new Promise<void>((resolve, reject) => redis.once('ready', resolve).once('error', reject));
  return redis;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A TCP port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves after `ms`. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
