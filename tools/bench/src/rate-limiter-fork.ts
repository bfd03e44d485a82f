// Parent side of the per-row child processes of the rate limiter benchmark: forks
// rate-limiter-worker.ts (through tsx, with the bench tsconfig for the @raft/* paths) and
// drives it over IPC, one request at a time.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { Row } from './rate-limiter-measure';
import type { Store } from './rate-limiter-rows';

/** Parent → child. */
export type WorkerRequest = { readonly type: 'warm-up' | 'round'; readonly ops: number } | { readonly type: 'close' };

/** Child → parent: `ready` once the limiter (and its Redis connection) exists, then one reply per request. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done' }
  | { readonly type: 'rate'; readonly perSecond: number }
  | { readonly type: 'error'; readonly message: string };

/** What a child measures: one row of one store, with the run's shape. */
export interface WorkerArgs {
  readonly store: Store;
  readonly index: number;
  readonly inFlight: number;
  readonly keys: number;
  readonly prefix: string;
}

/** argv of the worker for `args`, and back. */
export function workerArgv(args: WorkerArgs): string[] {
  return [args.store, String(args.index), String(args.inFlight), String(args.keys), args.prefix];
}

export function parseWorkerArgv(argv: readonly string[]): WorkerArgs {
  const [store, index, inFlight, keys, prefix] = argv;
  if (store !== 'memory' && store !== 'redis') throw new Error(`unknown store ${store}`);
  const numbers = [Number(index), Number(inFlight), Number(keys)];
  if (!numbers.every((x) => Number.isSafeInteger(x) && x >= 0) || prefix === undefined || prefix === '') {
    throw new Error(`bad worker arguments: ${argv.join(' ')}`);
  }
  return { store, index: numbers[0], inFlight: numbers[1], keys: numbers[2], prefix };
}

/** A benchmark row living in its own child process. */
export interface ForkedRow extends Row {
  /** Asks the child to close its connection and exit; resolves once it has. */
  close(): Promise<void>;
}

const WORKER = join(__dirname, 'rate-limiter-worker.ts');
const TSCONFIG = join(__dirname, '..', 'tsconfig.json');

/** Forks the worker for `args` and resolves once its limiter is ready. */
export async function forkRow(name: string, args: WorkerArgs, worker: string = WORKER): Promise<ForkedRow> {
  const child: ChildProcess = fork(worker, workerArgv(args), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let waiting: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | undefined;
  let exited: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = new Error(`benchmark worker for ${name} exited (code ${code}, signal ${signal})`);
      waiting?.reject(exited);
      waiting = undefined;
      resolve();
    });
  });
  child.on('message', (reply: WorkerReply) => {
    const current = waiting;
    waiting = undefined;
    if (reply.type === 'error') current?.reject(new Error(`benchmark worker for ${name}: ${reply.message}`));
    else current?.resolve(reply);
  });
  const next = (): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      if (exited !== undefined) reject(exited);
      else waiting = { resolve, reject };
    });
  const request = (message: WorkerRequest): Promise<WorkerReply> => {
    if (exited !== undefined) return Promise.reject(exited);
    const reply = next();
    child.send(message, (error: Error | null) => {
      if (error === null) return;
      waiting?.reject(error);
      waiting = undefined;
    });
    return reply;
  };
  const expect = async <T extends WorkerReply['type']>(reply: Promise<WorkerReply>, type: T): Promise<Extract<WorkerReply, { type: T }>> => {
    const got = await reply;
    if (got.type !== type) throw new Error(`benchmark worker for ${name}: expected ${type}, got ${got.type}`);
    return got as Extract<WorkerReply, { type: T }>;
  };
  try {
    await expect(next(), 'ready');
  } catch (error: unknown) {
    child.kill();
    throw error;
  }
  return {
    name,
    warmUp: async (ops) => void (await expect(request({ type: 'warm-up', ops }), 'done')),
    round: async (ops) => (await expect(request({ type: 'round', ops }), 'rate')).perSecond,
    close: async () => {
      if (exited === undefined && child.connected) child.send({ type: 'close' } satisfies WorkerRequest);
      await exit;
    },
  };
}
