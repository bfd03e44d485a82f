import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import type { StreamMessage } from '@raft/raft-kv';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { RaftUnavailableError, SendOutcomeUnknownError } from '../common/errors';

export interface AppendRequest {
  readonly sender: string;
  readonly clientMsgId: string;
  readonly msgId: string;
  readonly body: string;
}

export interface AppendResult {
  readonly stream: string;
  readonly seq: number;
  readonly msgId: string;
  readonly revision: number;
  readonly ts: number;
  readonly duplicate: boolean;
}

export interface StreamPage {
  readonly messages: StreamMessage[];
  readonly lastSeq: number;
  readonly revision: number;
  /** The node that served the read. */
  readonly servedBy: string;
}

export type RaftReadConsistency = 'linearizable' | 'lease' | 'serializable';

interface StatusBody {
  id: string;
  role: string;
  leaderId: string | null;
  members?: Record<string, { peer: string; http: string }>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Client of the raft-node HTTP API with read/write splitting: appends go to the leader
 * (discovered through /v1/status, rediscovered on 503 or connection errors, retried with
 * the same clientMsgId until the deadline — safe because appends are deduplicated);
 * `serializable` reads go to a follower replica.
 */
@Injectable()
export class RaftClient {
  private readonly logger = new Logger('raft-client');
  private readonly seeds: string[];
  private known: string[];
  private leader: string | null = null;
  private followers: string[] = [];
  private rr = 0;
  private discovering: Promise<void> | null = null;

  constructor(@Inject(CHAT_ENV) private readonly env: ChatEnv) {
    this.seeds = env.raftNodes();
    this.known = [...this.seeds];
  }

  /** Every node address known (seeds plus discovered members). */
  nodes(): string[] {
    return [...this.known];
  }

  /** A node to try next (round-robin). */
  nextNode(): string {
    return this.known[this.rr++ % this.known.length]!;
  }

  currentLeader(): string | null {
    return this.leader;
  }

  /** Refreshes leader and followers from the first node that answers /v1/status. */
  discover(): Promise<void> {
    this.discovering ??= this.discoverOnce().finally(() => (this.discovering = null));
    return this.discovering;
  }

  private async discoverOnce(): Promise<void> {
    for (const node of [...this.known]) {
      try {
        const res = await fetch(`http://${node}/v1/status`, { signal: AbortSignal.timeout(1000) });
        if (res.status !== 200) continue;
        const s = (await res.json()) as StatusBody;
        const members = s.members ?? {};
        const addrs = Object.values(members).map((m) => m.http);
        if (addrs.length > 0) this.known = [...new Set([...addrs, ...this.seeds])];
        if (s.leaderId && members[s.leaderId]) {
          this.leader = members[s.leaderId]!.http;
          this.followers = Object.entries(members)
            .filter(([id]) => id !== s.leaderId)
            .map(([, m]) => m.http);
          return;
        }
      } catch {
        // try the next node
      }
    }
    this.leader = null;
  }

  /** Appends to a stream; acknowledged after commit. Throws 503/504-mapped errors at the deadline. */
  async append(stream: string, req: AppendRequest, timeoutMs = this.env.SEND_TIMEOUT_MS): Promise<AppendResult> {
    const deadline = Date.now() + timeoutMs;
    let unknown = false;
    let lastError = 'no node answered';
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (this.leader === null) await this.discover();
      const node = this.leader ?? this.nextNode();
      const remaining = deadline - Date.now();
      let res: Response;
      try {
        res = await fetch(`http://${node}/v1/streams/${encodeURIComponent(stream)}/append`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(req),
          signal: AbortSignal.timeout(Math.max(50, Math.min(remaining, 5000))),
        });
      } catch (e) {
        // The request may have reached the leader: the outcome is unknown until a retry answers.
        unknown = true;
        lastError = `${node}: ${(e as Error).message}`;
        this.leader = null;
        await sleep(backoff(attempt));
        continue;
      }
      const text = await res.text();
      if (res.status === 200) return JSON.parse(text) as AppendResult;
      if (res.status === 504) {
        unknown = true;
        lastError = `${node}: outcome unknown`;
        continue;
      }
      // 410: that node was removed from the cluster; another one will answer.
      if (res.status === 503 || res.status === 410 || res.status >= 500) {
        lastError = `${node}: ${res.status} ${text.slice(0, 200)}`;
        this.leader = null;
        await sleep(backoff(attempt));
        continue;
      }
      // 4xx: the request itself is wrong; retrying will not help.
      throw new BadRequestException(`raft refused the append: ${text.slice(0, 300)}`);
    }
    this.logger.warn(`append to ${stream} gave up: ${lastError}`);
    if (unknown) throw new SendOutcomeUnknownError();
    throw new RaftUnavailableError(lastError);
  }

  /**
   * Reads a stream page. `serializable` reads prefer a follower replica (read splitting, may
   * be stale); `linearizable`/`lease` go to the leader (any node would forward the read index).
   */
  async readStream(stream: string, afterSeq: number, limit: number, consistency: RaftReadConsistency, timeoutMs = 5000): Promise<StreamPage> {
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no node answered';
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (this.leader === null) await this.discover();
      const node =
        consistency === 'serializable' && this.followers.length > 0
          ? this.followers[(this.rr++ + attempt) % this.followers.length]!
          : (this.leader ?? this.nextNode());
      try {
        const res = await fetch(`http://${node}/v1/streams/${encodeURIComponent(stream)}/messages?afterSeq=${afterSeq}&limit=${limit}&consistency=${consistency}`, {
          signal: AbortSignal.timeout(Math.max(50, Math.min(deadline - Date.now(), 3000))),
        });
        const text = await res.text();
        if (res.status === 200) return { ...(JSON.parse(text) as Omit<StreamPage, 'servedBy'>), servedBy: node };
        lastError = `${node}: ${res.status} ${text.slice(0, 200)}`;
        if (res.status < 500 && res.status !== 410) throw new BadRequestException(`raft refused the read: ${text.slice(0, 300)}`);
      } catch (e) {
        if (e instanceof BadRequestException) throw e;
        lastError = `${node}: ${(e as Error).message}`;
      }
      this.leader = null;
      await sleep(backoff(attempt));
    }
    throw new RaftUnavailableError(lastError);
  }
}

function backoff(attempt: number): number {
  const base = Math.min(500, 25 * 2 ** Math.min(attempt, 5));
  return base / 2 + Math.random() * (base / 2);
}
