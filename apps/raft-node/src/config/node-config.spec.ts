import { ConfigError, parsePeers, validateNodeEnv } from './node-config';

const ok = { NODE_ID: 'n1', PEERS: 'n1=127.0.0.1:7101:7001,n2=127.0.0.1:7102:7002', HTTP_PORT: '7001', PEER_PORT: '7101', DATA_DIR: '/tmp/x' };

describe('node configuration', () => {
  it('accepts a valid environment and fills defaults', () => {
    const env = validateNodeEnv(ok);
    expect(env).toMatchObject({ NODE_ID: 'n1', HTTP_PORT: 7001, ELECTION_TIMEOUT_MS: 150, HEARTBEAT_INTERVAL_MS: 30, JOIN: false, SNAPSHOT_LOG_RATIO: 0.5 });
    expect(validateNodeEnv({ ...ok, SNAPSHOT_LOG_RATIO: '0.25' }).SNAPSHOT_LOG_RATIO).toBe(0.25);
    expect(validateNodeEnv(ok).SNAPSHOT_WRITE_MBPS).toBe(32);
    expect(validateNodeEnv({ ...ok, SNAPSHOT_WRITE_MBPS: '0' }).SNAPSHOT_WRITE_MBPS).toBe(0);
    expect(validateNodeEnv(ok).WAL_RECYCLE_SEGMENTS).toBe(2);
    expect(validateNodeEnv({ ...ok, WAL_RECYCLE_SEGMENTS: '0' }).WAL_RECYCLE_SEGMENTS).toBe(0);
    expect(parsePeers(env.PEERS)).toEqual([
      { id: 'n1', host: '127.0.0.1', peerPort: 7101, httpPort: 7001 },
      { id: 'n2', host: '127.0.0.1', peerPort: 7102, httpPort: 7002 },
    ]);
  });

  it.each([
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT must be an integer'],
    [{ PEERS: 'n1@localhost' }, 'PEERS must look like'],
    [{ PEERS: 'n2=127.0.0.1:7102:7002' }, 'PEERS must include this node (n1)'],
    [{ ELECTION_TIMEOUT_MS: '40', HEARTBEAT_INTERVAL_MS: '30' }, 'HEARTBEAT_INTERVAL_MS must be at most half of ELECTION_TIMEOUT_MS'],
    [{ NODE_ID: 'bad id' }, 'NODE_ID must be'],
    [{ JOIN: 'maybe' }, 'JOIN must be true or false'],
    [{ SNAPSHOT_LOG_RATIO: 'half' }, 'SNAPSHOT_LOG_RATIO must be a number'],
    [{ SNAPSHOT_WRITE_MBPS: 'fast' }, 'SNAPSHOT_WRITE_MBPS must be a number'],
    [{ SNAPSHOT_LOG_RATIO: '-1' }, 'SNAPSHOT_LOG_RATIO'],
    [{ WAL_RECYCLE_SEGMENTS: 'two' }, 'WAL_RECYCLE_SEGMENTS must be an integer'],
    [{ WAL_RECYCLE_SEGMENTS: '-1' }, 'WAL_RECYCLE_SEGMENTS'],
  ])('rejects %j naming the setting', (patch, message) => {
    expect(() => validateNodeEnv({ ...ok, ...patch })).toThrow(ConfigError);
    expect(() => validateNodeEnv({ ...ok, ...patch })).toThrow(message);
  });

  it('allows join mode without knowing the cluster configuration', () => {
    expect(validateNodeEnv({ ...ok, PEERS: 'n2=127.0.0.1:7102:7002,n1=127.0.0.1:7101:7001', JOIN: 'true' }).JOIN).toBe(true);
  });
});
