import { type Cluster, Redis, type RedisOptions } from 'ioredis';

/** A Redis connection the limiters can use: a single node or a cluster. */
export type RedisConnection = Redis | Cluster;

/**
 * Client options that keep a limiter honest when Redis goes away:
 * - `enableOfflineQueue: false`: commands issued while disconnected fail at once (and the
 *   failure policy decides) instead of piling up and flooding Redis on reconnect, each one
 *   counting a request that was already answered;
 * - `autoResendUnfulfilledCommands: false`: a script that was sent but not answered before
 *   the connection dropped may already have counted; re-sending it would count it twice;
 * - `maxRetriesPerRequest: 0`: never retry a (non-idempotent) script.
 */
export const SAFE_LIMITER_REDIS_OPTIONS: Readonly<RedisOptions> = {
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: 0,
};

/** Creates an ioredis client with {@link SAFE_LIMITER_REDIS_OPTIONS} (yours override them). */
export function createLimiterRedis(options: RedisOptions = {}): Redis {
  return new Redis({ ...SAFE_LIMITER_REDIS_OPTIONS, ...options });
}

/** Why `connection` could double-count after a reconnect, or `undefined` if it cannot. */
export function unsafeClientReason(connection: RedisConnection): string | undefined {
  const options: Partial<RedisOptions> = 'nodes' in connection ? (connection.options.redisOptions ?? {}) : connection.options;
  if (options.autoResendUnfulfilledCommands !== false) return 'autoResendUnfulfilledCommands must be false';
  if ('nodes' in connection ? connection.options.enableOfflineQueue !== false : options.enableOfflineQueue !== false) {
    return 'enableOfflineQueue must be false';
  }
  return undefined;
}
