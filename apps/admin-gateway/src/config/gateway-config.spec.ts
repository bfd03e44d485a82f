import { GatewayConfigError, tokenTable, validateGatewayEnv } from './gateway-config';

describe('gateway configuration', () => {
  it('defaults: port 8080, the default cluster seeds, PostgreSQL on localhost', () => {
    const env = validateGatewayEnv({ ADMIN_TOKEN: 'dev-admin-token' });
    expect(env).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', SEED_NODES: '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003', DB_HOST: '127.0.0.1', DB_PORT: 5432, DB_NAME: 'test', DB_SCHEMA: 'admin_gateway' });
    expect(env.OPERATION_TIMEOUT_MS).toBe(120_000);
  });

  it('fails naming every bad setting', () => {
    expect(() => validateGatewayEnv({})).toThrow(GatewayConfigError);
    expect(() => validateGatewayEnv({})).toThrow(/ADMIN_TOKEN is required/);
    expect(() => validateGatewayEnv({ ADMIN_TOKEN: 'short' })).toThrow('invalid configuration: ADMIN_TOKEN must be at least 8 characters');
    expect(() => validateGatewayEnv({ ADMIN_TOKEN: 'dev-admin-token', PORT: 'eighty', SEED_NODES: 'localhost', DB_SCHEMA: 'Drop Table' })).toThrow(
      'invalid configuration: PORT must be an integer; SEED_NODES must look like 127.0.0.1:7001,127.0.0.1:7002; DB_SCHEMA must be a lowercase SQL identifier',
    );
    expect(() => validateGatewayEnv({ ADMIN_TOKEN: 'dev-admin-token', PORT: '70000' })).toThrow('invalid configuration: PORT must be in [1, 65535]');
    expect(() => validateGatewayEnv({ ADMIN_TOKEN: 'dev-admin-token', ADMIN_TOKENS: 'alice' })).toThrow(/ADMIN_TOKENS must look like/);
    expect(() => validateGatewayEnv({ ADMIN_TOKEN: 'dev-admin-token', ADMIN_TOKENS: 'alice=dev-admin-token' })).toThrow(/must not repeat a token/);
  });

  it('named tokens', () => {
    const env = validateGatewayEnv({ ADMIN_TOKEN: 'dev-admin-token', ADMIN_TOKENS: 'alice=alice-token,bob=bob-token-x' });
    expect([...tokenTable(env).entries()]).toEqual([
      ['dev-admin-token', 'admin'],
      ['alice-token', 'alice'],
      ['bob-token-x', 'bob'],
    ]);
  });
});
