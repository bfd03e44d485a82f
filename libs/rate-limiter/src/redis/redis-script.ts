import type { RedisConnection } from './redis-client';

/**
 * Runs a script on one argument list: its keys first (as many as declared, so that Redis
 * Cluster can route by them), then its arguments. Resolves to the reply, checked to be an
 * array of integers.
 */
export type ScriptRunner = (keysAndArgs: (string | number)[]) => Promise<number[]>;

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
  // Built once per script, not per call (the hot path allocates only the argument list).
  const check = (reply: unknown): number[] => {
    if (isIntegerArray(reply)) return reply;
    throw new TypeError(`unexpected reply from ${command}: ${JSON.stringify(reply)}`);
  };
  return (keysAndArgs) => run.apply(connection, keysAndArgs).then(check);
}

/** Whether `reply` is an array of numbers (Redis integer replies). */
export function isIntegerArray(reply: unknown): reply is number[] {
  if (!Array.isArray(reply)) return false;
  for (let i = 0; i < reply.length; i += 1) if (typeof reply[i] !== 'number') return false;
  return true;
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
