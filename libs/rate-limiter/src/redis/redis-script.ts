import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import type { DeadlineQueue } from './deadline-queue';
import type { RedisConnection } from './redis-client';

type CommandOptions = NonNullable<ConstructorParameters<typeof Command>[2]>;

/**
 * One Lua script of a limiter, run as a single ioredis `Command`: `EVALSHA`, then `EVAL` if
 * the server does not have the script (a `NOSCRIPT` reply means nothing ran, so the second
 * send cannot count twice). Every send is timed by the limiter's {@link DeadlineQueue},
 * which rejects the command itself when its time is up.
 *
 * Why not ioredis `defineCommand`: per call it adds a `.catch` promise for its `NOSCRIPT`
 * fallback and a closure in `toWritable`, and the timeout needed a wrapper promise of its
 * own. A decision made one round trip at a time is bound by the client's work around the
 * round trip, and those were a few percent of it.
 */
export class RedisScript {
  private readonly sha: string;
  private readonly commandOptions: CommandOptions;

  constructor(
    private readonly connection: RedisConnection,
    /** Names the script in error messages. */
    private readonly name: string,
    /** How many leading entries of every argument list are keys (Redis Cluster routes by them). */
    private readonly numberOfKeys: number,
    private readonly lua: string,
    private readonly deadlines: DeadlineQueue,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
    // A client-wide key prefix applies to script keys too, as it does for defineCommand.
    const { keyPrefix } = connection.options as { keyPrefix?: string };
    this.commandOptions = { replyEncoding: 'utf8', keyPrefix };
  }

  /**
   * Runs the script on `keysAndArgs` (keys first, then arguments) and resolves to its reply,
   * checked to be an array of integers. Rejects on an error reply, a connection failure or
   * the command timeout.
   */
  async run(keysAndArgs: readonly (string | number)[]): Promise<number[]> {
    let reply: unknown;
    try {
      reply = await this.send('evalsha', this.sha, keysAndArgs);
    } catch (error: unknown) {
      if (!isNoScript(error)) throw error;
      reply = await this.send('eval', this.lua, keysAndArgs);
    }
    if (isIntegerArray(reply)) return reply;
    throw new TypeError(`unexpected reply from script ${this.name}: ${JSON.stringify(reply)}`);
  }

  private send(verb: 'evalsha' | 'eval', script: string, keysAndArgs: readonly (string | number)[]): Promise<unknown> {
    // A nested argument list is flattened by Command itself (its ArgumentType allows it),
    // which copies it anyway: no second copy here.
    const command = new Command(verb, [script, this.numberOfKeys, keysAndArgs as (string | number)[]], this.commandOptions);
    this.deadlines.track(command);
    void this.connection.sendCommand(command);
    return command.promise;
  }
}

/** Whether `reply` is an array of numbers (Redis integer replies). */
export function isIntegerArray(reply: unknown): reply is number[] {
  if (!Array.isArray(reply)) return false;
  for (let i = 0; i < reply.length; i += 1) if (typeof reply[i] !== 'number') return false;
  return true;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
