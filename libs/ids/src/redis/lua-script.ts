import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by SHA (`EVALSHA`), falling back to `EVAL` once if the server does not
 * have it cached (fresh server, `SCRIPT FLUSH`, failover). Every key the script touches is
 * passed in `keys` so it also works where Redis checks key declarations (Cluster).
 */
export class LuaScript {
  /** SHA-1 of the source, as Redis computes it. */
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script and returns Redis's raw reply. */
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error: unknown) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
