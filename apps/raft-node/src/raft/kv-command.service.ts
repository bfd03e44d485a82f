import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
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
  constructor(private readonly node: RaftNodeService) {}

  async execute(body: CommandBody, ids: ClientIds): Promise<KvResult> {
    const clientId = ids.clientId ?? `anon-${randomUUID()}`;
    const requestId = ids.requestId ?? randomUUID();
    // The leader's clock would be better, but any replica's is acceptable: timestamps only
    // drive session expiry, and every replica applies the value stored in the entry.
    const untracked = ids.clientId === undefined && ids.requestId === undefined;
    const cmd = { ...body, clientId, requestId, ...(untracked ? { untracked: true } : {}), ts: Date.now() } as KvCommand;
    return this.node.propose(encodeCommand(cmd), requestKey(cmd));
  }
}
