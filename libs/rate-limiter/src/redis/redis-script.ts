import type { RedisConnection } from './redis-client';

/** Runs a script: all keys declared up front (Redis Cluster routes by them), then arguments. */
export type ScriptRunner = (keys: readonly string[], args: readonly (string | number)[]) => Promise<number[]>;

type DynamicCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * Registers `lua` on `connection` with ioredis `defineCommand` (EVALSHA, falling back to
 * EVAL on NOSCRIPT — safe: a NOSCRIPT reply means nothing ran) and returns a typed runner.
 * The command name embeds a hash of the source, so two versions never collide.
 */
export function defineScript(connection: RedisConnection, name: string, numberOfKeys: number, lua: string): ScriptRunner {
  const command = `rateLimiter_${name}_${sourceHash(lua)}`;
  const commands = connection as unknown as Record<string, DynamicCommand | undefined>;
  if (typeof commands[command] !== 'function') connection.defineCommand(command, { numberOfKeys, lua });
  const run = commands[command] as DynamicCommand;
  return async (keys, args) => {
    const reply = await run.call(connection, ...keys, ...args);
    if (!Array.isArray(reply) || !reply.every((x): x is number => typeof x === 'number')) {
      throw new TypeError(`unexpected reply from ${command}: ${JSON.stringify(reply)}`);
    }
    return reply;
  };
}

// FNV-1a, 32 bits: only needs to tell script versions apart.
function sourceHash(source: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < source.length; i += 1) {
    hash ^= source.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
