import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import type { DeadlineQueue, Expirable } from './deadline-queue';
import type { RedisConnection } from './redis-client';

type CommandOptions = NonNullable<ConstructorParameters<typeof Command>[2]>;

/**
 * One Lua script of a limiter, run as a single ioredis `Command`: `EVALSHA`, then `EVAL` if
 * the server does not have the script (a `NOSCRIPT` reply means nothing ran, so the second
 * send cannot count twice). Every send is timed by the limiter's {@link DeadlineQueue},
 * which rejects the command itself when its time is up.
 *
 * The script is also registered on the connection with ioredis `defineCommand`, as
 * {@link scriptCommandName} (`fixedWindow` → `rateLimiterFixedWindow`), so other code can run
 * the very same script by name, e.g. inside its own pipeline or `MULTI`. The limiter's own
 * calls do not go through that generated method: per call it adds a `.catch` promise for its
 * `NOSCRIPT` fallback and a closure in `toWritable`, and the timeout would need a wrapper
 * promise of its own. A decision made one round trip at a time is bound by the client's
 * work around the round trip, and those were a few percent of it. Both paths send the same
 * SHA, so the server holds one copy of the script.
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
    connection.defineCommand(scriptCommandName(name), { numberOfKeys, lua });
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
    let sent = this.send('evalsha', this.sha, keysAndArgs);
    try {
      reply = await sent.command.promise;
    } catch (error: unknown) {
      sent.failed = true;
      if (!isNoScript(error)) throw error;
      sent = this.send('eval', this.lua, keysAndArgs);
      try {
        reply = await sent.command.promise;
      } catch (retryError: unknown) {
        sent.failed = true;
        throw retryError;
      }
    }
    if (isIntegerArray(reply)) return reply;
    throw new TypeError(`unexpected reply from script ${this.name}: ${JSON.stringify(reply)}`);
  }

  private send(verb: 'evalsha' | 'eval', script: string, keysAndArgs: readonly (string | number)[]): SentCommand {
    // A nested argument list is flattened by Command itself (its ArgumentType allows it),
    // which copies it anyway: no second copy here.
    const sent = new SentCommand(new Command(verb, [script, this.numberOfKeys, keysAndArgs as (string | number)[]], this.commandOptions));
    this.deadlines.track(sent);
    void this.connection.sendCommand(sent.command);
    return sent;
  }
}

/**
 * A command as the deadline queue sees it. ioredis marks only a command that got its reply
 * (`isResolved`); `run` marks one that failed, so that a failure (e.g. every call while
 * Redis is down, each rejected at once) leaves the queue at once instead of at its deadline.
 */
class SentCommand implements Expirable {
  failed = false;

  constructor(readonly command: Command) {}

  get isResolved(): boolean {
    return this.failed || this.command.isResolved;
  }

  reject(error: Error): void {
    this.command.reject(error);
  }
}

/**
 * The name under which a limiter script called `name` is registered on its connection with
 * `defineCommand` (`fixedWindow` → `rateLimiterFixedWindow`; also `…Buffer`, as ioredis does).
 */
export function scriptCommandName(name: string): string {
  return `rateLimiter${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/** Whether `reply` is an array of numbers (Redis integer replies). */
function isIntegerArray(reply: unknown): reply is number[] {
  if (!Array.isArray(reply)) return false;
  for (let i = 0; i < reply.length; i += 1) if (typeof reply[i] !== 'number') return false;
  return true;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
