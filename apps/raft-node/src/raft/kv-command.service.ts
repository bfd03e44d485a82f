import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { encodeCommand, requestKey, type KvCommand, type KvResult } from '@raft/raft-kv';
import { RaftNodeService } from './raft-node.service';

/** Fields every mutating request may carry for exactly-once execution. */
export interface ClientIds {
  readonly clientId?: string;
  readonly requestId?: string;
}

type CommandBody =
  | { op: 'put'; key: string; value: string }
  | { op: 'del'; key: string }
  | { op: 'cas'; key: string; expect: string | null; value: string }
  | { op: 'incr'; key: string; delta: number };

/**
 * Turns client requests into KV commands, proposes them and waits for their result.
 * Requests without ids get fresh ones (so they are at-most-once per HTTP call, like any
 * non-idempotent API) and run without a client session, since nobody can retry them;
 * clients that want safe retries send their own.
 */
@Injectable()
export class KvCommandService {
  /**
   * Ids of requests that carried none: this process's random client id and a counter. They
   * only have to name the proposal this process waits for, so they must never repeat while
   * an entry carrying them can still be applied — also after a restart, when the counter
   * starts again but the 64 random bits do not. (Two UUIDs per request were 77 bytes in every
   * replica's log and ~500 bytes of garbage per request.)
   */
  private readonly anonymousClientId = `anon-${randomBytes(8).toString('hex')}`;
  private anonymousRequests = 0;

  constructor(private readonly node: RaftNodeService) {}

  async execute(body: CommandBody, ids: ClientIds): Promise<KvResult> {
    // The leader's clock would be better, but any replica's is acceptable: timestamps only
    // drive session expiry, and every replica applies the value stored in the entry.
    const cmd =
      ids.clientId === undefined && ids.requestId === undefined
        ? toCommand(body, this.anonymousClientId, (++this.anonymousRequests).toString(36), true, Date.now())
        : // A client id without a request id gets a random one: a counter could repeat one
          // this client already used through another server, and be answered from its session.
          toCommand(body, ids.clientId ?? `anon-${randomUUID()}`, ids.requestId ?? randomUUID(), undefined, Date.now());
    return this.node.propose(encodeCommand(cmd), requestKey(cmd));
  }
}

/**
 * The command for a request body, built as one object literal per op. (Not `{ ...body, ids }`:
 * in Node 20's V8 every property added after a spread costs ~1 µs, and this runs per write;
 * see BENCHMARKS.md.)
 */
function toCommand(body: CommandBody, clientId: string, requestId: string, untracked: true | undefined, ts: number): KvCommand {
  switch (body.op) {
    case 'put':
      return { op: 'put', key: body.key, value: body.value, clientId, requestId, untracked, ts };
    case 'del':
      return { op: 'del', key: body.key, clientId, requestId, untracked, ts };
    case 'cas':
      return { op: 'cas', key: body.key, expect: body.expect, value: body.value, clientId, requestId, untracked, ts };
    case 'incr':
      return { op: 'incr', key: body.key, delta: body.delta, clientId, requestId, untracked, ts };
  }
}
