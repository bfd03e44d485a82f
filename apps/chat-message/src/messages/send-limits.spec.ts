import { RateLimitedError } from '../common/errors';
import { validateChatEnv } from '../config/chat-config';
import { ChatMetrics } from '../metrics/chat-metrics';
import { SendLimits } from './send-limits';

describe('SendLimits (token buckets on the real Redis)', () => {
  const prefix = `chat-limits-test-${process.pid}-${Date.now()}:`;
  let limits: SendLimits;

  afterEach(() => limits?.onApplicationShutdown());

  it('allows a burst of twice the per-user rate, then answers 429 with Retry-After', async () => {
    limits = new SendLimits(validateChatEnv({ REDIS_PREFIX: prefix, RATE_USER_PER_SEC: '2', RATE_CONVERSATION_PER_SEC: '0', JWT_SECRET: 'x'.repeat(32), RAFT_NODES: '127.0.0.1:7001' }), new ChatMetrics());
    for (let i = 0; i < 4; i++) await limits.check('alice', 'c1');
    const err = await limits.check('alice', 'c1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).getStatus()).toBe(429);
    expect(JSON.stringify((err as RateLimitedError).getResponse())).toContain('user alice');
    await limits.check('bob', 'c1'); // other users are unaffected
  });

  it('limits a conversation across all its senders', async () => {
    limits = new SendLimits(validateChatEnv({ REDIS_PREFIX: prefix, RATE_USER_PER_SEC: '0', RATE_CONVERSATION_PER_SEC: '1', JWT_SECRET: 'x'.repeat(32), RAFT_NODES: '127.0.0.1:7001' }), new ChatMetrics());
    await limits.check('u1', 'busy');
    await limits.check('u2', 'busy');
    await expect(limits.check('u3', 'busy')).rejects.toBeInstanceOf(RateLimitedError);
  });
});
