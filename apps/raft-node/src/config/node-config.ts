import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
const toNumber = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }): unknown => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

/**
 * Environment configuration of one raft-node, validated at start. Every variable is
 * documented in the README; a bad value stops the process with a message naming it.
 */
export class NodeEnv {
  /** This node's id, e.g. n1. */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'NODE_ID must be 1-64 letters, digits, _ or -' })
  NODE_ID!: string;

  /** Cluster name; peers with another cluster id are refused. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'CLUSTER_ID must be 1-64 letters, digits, _, . or -' })
  CLUSTER_ID = 'raft-ts';

  /** Every voter of a new cluster, as id=host:peerPort:httpPort, comma-separated (this node included). Empty with JOIN=true. */
  @IsString()
  @Matches(/^$|^([A-Za-z0-9_-]+=[^,:=\s]+:\d{1,5}:\d{1,5})(,[A-Za-z0-9_-]+=[^,:=\s]+:\d{1,5}:\d{1,5})*$/, {
    message: 'PEERS must look like n1=127.0.0.1:7101:7001,n2=127.0.0.1:7102:7002',
  })
  PEERS = '';

  /** Start empty and wait for a leader to add this node (no bootstrap configuration). */
  @Transform(toBool)
  @IsBoolean({ message: 'JOIN must be true or false' })
  JOIN = false;

  @IsString()
  HOST = '127.0.0.1';

  /** Client HTTP API port. */
  @Transform(toInt)
  @IsInt({ message: 'HTTP_PORT must be an integer' })
  @Min(1)
  @Max(65535)
  HTTP_PORT!: number;

  /** Peer (Raft transport) port. */
  @Transform(toInt)
  @IsInt({ message: 'PEER_PORT must be an integer' })
  @Min(1)
  @Max(65535)
  PEER_PORT!: number;

  /** Directory for the WAL and snapshots. */
  @IsString()
  @Matches(/.+/, { message: 'DATA_DIR must be a directory path' })
  DATA_DIR!: string;

  /** Minimum election timeout; actual timeouts are random in [T, 2T) (the paper's 150–300 ms). */
  @Transform(toInt)
  @IsInt({ message: 'ELECTION_TIMEOUT_MS must be an integer' })
  @Min(20)
  @Max(60_000)
  ELECTION_TIMEOUT_MS = 150;

  @Transform(toInt)
  @IsInt({ message: 'HEARTBEAT_INTERVAL_MS must be an integer' })
  @Min(5)
  @Max(10_000)
  HEARTBEAT_INTERVAL_MS = 30;

  /** Resolution of the Raft clock. Must divide the timeouts reasonably. */
  @Transform(toInt)
  @IsInt({ message: 'TICK_MS must be an integer' })
  @Min(1)
  @Max(1000)
  TICK_MS = 10;

  /** Take a snapshot (and compact the log) every this many applied entries. */
  @Transform(toInt)
  @IsInt({ message: 'SNAPSHOT_THRESHOLD must be an integer' })
  @Min(0)
  SNAPSHOT_THRESHOLD = 10_000;

  /**
   * …and only once the log since the last snapshot is at least this fraction of that
   * snapshot's size (0 = entries only): bounds the cost of rewriting a large state.
   */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'SNAPSHOT_LOG_RATIO must be a number' })
  @Min(0)
  @Max(100)
  SNAPSHOT_LOG_RATIO = 0.5;

  /**
   * Snapshot files (taken or received) are written at no more than this many MiB/s
   * (0 = no limit), so that a snapshot in the background leaves the disk to the WAL.
   */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'SNAPSHOT_WRITE_MBPS must be a number' })
  @Min(0)
  @Max(100_000)
  SNAPSHOT_WRITE_MBPS = 32;

  /**
   * WAL segments removed by compaction that are kept as spare files and reused for new
   * segments (0 = delete them): commits into a reused file overwrite blocks already written.
   */
  @Transform(toInt)
  @IsInt({ message: 'WAL_RECYCLE_SEGMENTS must be an integer' })
  @Min(0)
  @Max(64)
  WAL_RECYCLE_SEGMENTS = 2;

  /** Largest accepted value in bytes (HTTP 413 above). */
  @Transform(toInt)
  @IsInt({ message: 'MAX_VALUE_BYTES must be an integer' })
  @Min(1)
  @Max(64 * 1024 * 1024)
  MAX_VALUE_BYTES = 1024 * 1024;

  /** Deadline for a write to be applied before answering 504 (outcome unknown). */
  @Transform(toInt)
  @IsInt({ message: 'REQUEST_TIMEOUT_MS must be an integer' })
  @Min(10)
  REQUEST_TIMEOUT_MS = 5000;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'LOG_LEVEL must be a pino level' })
  LOG_LEVEL = 'info';

  /**
   * TEST ONLY: serve "linearizable" reads from local state without ReadIndex. Exists so the
   * chaos checker can prove it detects stale reads. Never enable in production.
   */
  @Transform(toBool)
  @IsBoolean()
  UNSAFE_STALE_READS = false;
}

/** One peer parsed from PEERS. */
export interface PeerAddress {
  readonly id: string;
  readonly host: string;
  readonly peerPort: number;
  readonly httpPort: number;
}

export function parsePeers(spec: string): PeerAddress[] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((part) => {
    const [id, addr] = part.split('=') as [string, string];
    const [host, peerPort, httpPort] = addr.split(':') as [string, string, string];
    return { id, host, peerPort: Number(peerPort), httpPort: Number(httpPort) };
  });
}

/** Thrown at start when the environment is invalid; the message names every bad setting. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Validates the environment (used by @nestjs/config's `validate`). */
export function validateNodeEnv(raw: Record<string, unknown>): NodeEnv {
  const env = plainToInstance(NodeEnv, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }));
  const peersValid = !errors.some((e) => e.property === 'PEERS');
  const peers = peersValid ? parsePeers(env.PEERS ?? '') : [];
  if (peersValid && !env.JOIN && peers.length === 0) messages.push('PEERS must list the cluster members (or set JOIN=true)');
  if (!env.JOIN && peers.length > 0 && !peers.some((p) => p.id === env.NODE_ID)) messages.push(`PEERS must include this node (${env.NODE_ID})`);
  if (new Set(peers.map((p) => p.id)).size !== peers.length) messages.push('PEERS lists a node id twice');
  if (env.HEARTBEAT_INTERVAL_MS * 2 > env.ELECTION_TIMEOUT_MS) messages.push('HEARTBEAT_INTERVAL_MS must be at most half of ELECTION_TIMEOUT_MS');
  if (env.TICK_MS > env.HEARTBEAT_INTERVAL_MS) messages.push('TICK_MS must not exceed HEARTBEAT_INTERVAL_MS');
  if (messages.length > 0) throw new ConfigError(`invalid configuration: ${messages.join('; ')}`);
  return env;
}
