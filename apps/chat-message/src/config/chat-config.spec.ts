import { ConfigError, validateChatEnv } from './chat-config';

const ok = { RAFT_NODES: '127.0.0.1:7001,127.0.0.1:7002', JWT_SECRET: 'long-enough-secret' };

describe('chat configuration', () => {
  it('applies the documented defaults', () => {
    const env = validateChatEnv(ok);
    expect(env).toMatchObject({
      PORT: 8090,
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DB_HOST: '127.0.0.1',
      DB_PORT: 5432,
      DB_USER: 'postgres',
      DB_PASSWORD: 'postgres',
      DB_NAME: 'test',
      DB_SCHEMA: 'chat',
      FANOUT_THRESHOLD: 100,
      MAX_BODY_BYTES: 4096,
      INSTANCE_ID: '127.0.0.1:8090',
    });
    expect(env.raftNodes()).toEqual(['127.0.0.1:7001', '127.0.0.1:7002']);
    expect(env.devTokens).toBe(true);
  });

  it('parses numbers and disables dev tokens in production', () => {
    const env = validateChatEnv({ ...ok, PORT: '9000', FANOUT_THRESHOLD: '3', NODE_ENV: 'production', PROJECTION_ENABLED: 'false' });
    expect(env.PORT).toBe(9000);
    expect(env.FANOUT_THRESHOLD).toBe(3);
    expect(env.PROJECTION_ENABLED).toBe(false);
    expect(env.devTokens).toBe(false);
  });

  it.each([
    [{ JWT_SECRET: 'long-enough-secret' }, /RAFT_NODES must be a comma-separated list of host:port/],
    [{ ...ok, RAFT_NODES: 'localhost' }, /RAFT_NODES must be a comma-separated list/],
    [{ ...ok, JWT_SECRET: 'short' }, /JWT_SECRET must be at least 8 characters/],
    [{ RAFT_NODES: ok.RAFT_NODES }, /JWT_SECRET/],
    [{ ...ok, PORT: 'eighty' }, /PORT must be an integer/],
    [{ ...ok, DB_SCHEMA: 'Bad-Schema' }, /DB_SCHEMA must be a lower-case SQL identifier/],
    [{ ...ok, NODE_ENV: 'staging' }, /NODE_ENV must be development, production or test/],
    [{ ...ok, FANOUT_THRESHOLD: '0' }, /FANOUT_THRESHOLD must be at least 1/],
    [{ ...ok, REDIS_URL: 'localhost:6379' }, /REDIS_URL must look like redis:\/\/host:port/],
  ])('fails naming the bad setting (%#)', (raw, message) => {
    expect(() => validateChatEnv(raw)).toThrow(ConfigError);
    expect(() => validateChatEnv(raw)).toThrow(message);
  });
});
