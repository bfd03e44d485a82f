import { Injectable } from '@nestjs/common';
import type { Result } from 'ioredis';
import { RedisService } from '../infra/redis.service';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    chatInboxAppend(inbox: string, pts: string, marks: string, conversationId: string, seq: number): Result<number, Context>;
  }
}

// Appends one reference to one user's inbox, atomically with numbering it:
// KEYS inbox (zset pts → "conv:seq"), pts counter, marks (hash conv → last seq referenced);
// ARGV conversationId, seq. Returns the new pts, or 0 if this (or a later) seq of the
// conversation was already referenced (a repeated fan-out after a crash is a no-op).
// Numbering and insertion are one step on purpose: if numbers were allocated first (e.g.
// in blocks) and inserted later, a reader could see pts 6 before 5 exists and move its
// cursor past 5 forever.
const APPEND = `
local seq = tonumber(ARGV[2])
local last = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if seq <= last then return 0 end
local pts = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], pts, ARGV[1] .. ':' .. ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return pts
`;

export interface InboxRef {
  readonly pts: number;
  readonly conversationId: string;
  readonly seq: number;
}

/**
 * Per-user inboxes for write fan-out (Redis): each user has a sorted set of references
 * `conversationId:seq` scored by the user's own gapless sequence `pts` (Telegram's pts,
 * WeChat's per-user sequence). Reading an inbox is one range read.
 */
@Injectable()
export class InboxStore {
  constructor(private readonly redis: RedisService) {
    redis.cmd.defineCommand('chatInboxAppend', { numberOfKeys: 3, lua: APPEND });
  }

  private keys(userId: string): [string, string, string] {
    return [this.redis.key('inbox', userId), this.redis.key('pts', userId), this.redis.key('marks', userId)];
  }

  /** Appends (conversationId, seq) to each user's inbox; returns user → pts for the new references. */
  async append(userIds: readonly string[], conversationId: string, seq: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const CHUNK = 1000;
    for (let i = 0; i < userIds.length; i += CHUNK) {
      const chunk = userIds.slice(i, i + CHUNK);
      const pipe = this.redis.cmd.pipeline();
      for (const u of chunk) pipe.chatInboxAppend(...this.keys(u), conversationId, seq);
      const results = (await pipe.exec()) ?? [];
      results.forEach(([err, pts], j) => {
        if (err) throw err;
        if (typeof pts === 'number' && pts > 0) out.set(chunk[j]!, pts);
      });
    }
    return out;
  }

  /** References after `afterPts`, oldest first, at most `limit`. */
  async read(userId: string, afterPts: number, limit: number): Promise<InboxRef[]> {
    const raw = await this.redis.cmd.zrangebyscore(this.keys(userId)[0], `(${afterPts}`, '+inf', 'WITHSCORES', 'LIMIT', 0, limit);
    const refs: InboxRef[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const member = raw[i]!;
      const at = member.lastIndexOf(':');
      refs.push({ pts: Number(raw[i + 1]), conversationId: member.slice(0, at), seq: Number(member.slice(at + 1)) });
    }
    return refs;
  }

  /** The user's current pts (0 if the inbox is empty). */
  async head(userId: string): Promise<number> {
    return Number((await this.redis.cmd.get(this.keys(userId)[1])) ?? '0');
  }
}
