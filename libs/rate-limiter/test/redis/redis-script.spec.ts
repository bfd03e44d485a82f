import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createLimiterRedis } from '../../src';
import { DeadlineQueue } from '../../src/redis/deadline-queue';
import { RedisScript } from '../../src/redis/redis-script';
import { closedPort, connect, deleteKeys, REDIS_HOST, REDIS_PORT, uniquePrefix } from '../support/redis';

class TimedOut extends Error {}

// Counts its runs in KEYS[1], so a test sees how many times the server really ran it. The
// random comment makes a script this server has never loaded.
const countingLua = () => `-- ${randomBytes(8).toString('hex')}\nreturn {redis.call('INCR', KEYS[1]), tonumber(ARGV[1])}`;
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('RedisScript (EVALSHA, EVAL on NOSCRIPT, timed by the deadline queue)', () => {
  let redis: Redis;
  const prefix = uniquePrefix('script');
  const deadlines = new DeadlineQueue(1000, () => new TimedOut());

  beforeAll(async () => {
    redis = await connect();
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('runs a script the server does not have exactly once (EVAL after NOSCRIPT), then by its SHA', async () => {
    const lua = countingLua();
    const script = new RedisScript(redis, 'counting', 1, lua, deadlines);
    const key = `${prefix}:runs`;
    expect(await redis.script('EXISTS', sha1(lua))).toEqual([0]);
    await expect(script.run([key, 7])).resolves.toEqual([1, 7]);
    expect(await redis.script('EXISTS', sha1(lua))).toEqual([1]);
    await expect(script.run([key, 8])).resolves.toEqual([2, 8]);
    expect(await redis.get(key)).toBe('2');
  });

  it('applies the client’s key prefix to the script’s keys', async () => {
    const prefixed = createLimiterRedis({ host: REDIS_HOST, port: REDIS_PORT, keyPrefix: `${prefix}:pfx:` });
    try {
      await new Promise((resolve) => prefixed.once('ready', resolve));
      const script = new RedisScript(prefixed, 'counting', 1, countingLua(), deadlines);
      await expect(script.run(['runs', 1])).resolves.toEqual([1, 1]);
      expect(await redis.get(`${prefix}:pfx:runs`)).toBe('1');
    } finally {
      await prefixed.quit();
    }
  });

  it('an error reply rejects once, without a second run; a reply that is not integers is a TypeError naming the script', async () => {
    const key = `${prefix}:failing`;
    const failing = new RedisScript(redis, 'failing', 1, `redis.call('INCR', KEYS[1])\nreturn redis.error_reply('BAD nope')`, deadlines);
    await expect(failing.run([key])).rejects.toThrow('BAD nope');
    expect(await redis.get(key)).toBe('1');
    const stringy = new RedisScript(redis, 'stringy', 0, `return {1, 'two'}`, deadlines);
    await expect(stringy.run([])).rejects.toThrow(new TypeError('unexpected reply from script stringy: [1,"two"]'));
  });
});

describe('RedisScript on a connection that is down', () => {
  it('fails every call at once, and a failed call leaves the deadline queue at once', async () => {
    const down = createLimiterRedis({ port: await closedPort(), retryStrategy: () => null });
    down.on('error', () => undefined);
    await new Promise((resolve) => down.once('end', resolve));
    const deadlines = new DeadlineQueue(60_000, () => new TimedOut());
    const script = new RedisScript(down, 'counting', 1, countingLua(), deadlines);
    for (let i = 0; i < 1000; i += 1) await expect(script.run(['k', 1])).rejects.toThrow('Connection is closed');
    expect(deadlines.size).toBe(0);
  });
});
