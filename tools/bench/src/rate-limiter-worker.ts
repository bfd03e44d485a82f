// Child process of the rate limiter benchmark: owns exactly one row's limiter (and, for a
// Redis row, its own connection), so that no other limiter class shares its call sites,
// and runs batches of calls on request. See rate-limiter-fork.ts for the protocol.
import { createLimiterRedis } from '@raft/rate-limiter';
import type { Redis } from 'ioredis';
import type { WorkerReply, WorkerRequest } from './rate-limiter-fork';
import { parseWorkerArgv } from './rate-limiter-fork';
import { run, timed } from './rate-limiter-measure';
import { ROWS } from './rate-limiter-rows';

function send(reply: WorkerReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('rate-limiter-worker runs as a forked child of rate-limiter-bench');
  const args = parseWorkerArgv(process.argv.slice(2));
  const spec = ROWS[args.store][args.index];
  if (spec === undefined) throw new Error(`no ${args.store} row ${args.index}`);
  let redis: Redis | undefined;
  if (args.store === 'redis') {
    redis = createLimiterRedis({ host: '127.0.0.1', port: 6379 });
    const connection = redis;
    await new Promise<void>((resolve, reject) => connection.once('ready', resolve).once('error', reject));
  }
  const consume = spec.create(redis, args.prefix);
  process.on('message', (request: WorkerRequest) => {
    const handle = async (): Promise<void> => {
      if (request.type === 'warm-up') {
        await run(consume, request.ops, args.inFlight, args.keys);
        send({ type: 'done' });
      } else if (request.type === 'round') {
        send({ type: 'rate', perSecond: await timed(consume, request.ops, args.inFlight, args.keys) });
      } else {
        await redis?.quit();
        process.disconnect();
      }
    };
    handle().catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
