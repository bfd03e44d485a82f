import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }): unknown => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

/**
 * Environment configuration of one chat-message instance, validated at start. Every
 * variable is documented in apps/chat-message/README.md; a bad value stops the process with
 * a message naming the setting.
 */
export class ChatEnv {
  /** HTTP (REST, SSE, WebSocket, web page) port. */
  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(1, { message: 'PORT must be in [1, 65535]' })
  @Max(65535, { message: 'PORT must be in [1, 65535]' })
  PORT = 8090;

  @IsString({ message: 'HOST must be a bind address' })
  HOST = '127.0.0.1';

  /** raft-node client APIs, host:port comma-separated (any subset of the cluster; the rest is discovered). */
  @IsString({ message: 'RAFT_NODES must be a comma-separated list of host:port' })
  @Matches(/^[^,:\s]+:\d{1,5}(,[^,:\s]+:\d{1,5})*$/, { message: 'RAFT_NODES must be a comma-separated list of host:port (e.g. 127.0.0.1:7001,127.0.0.1:7002)' })
  RAFT_NODES!: string;

  @IsString()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:port[/db]' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prepended to every Redis key and channel (isolates deployments and test runs). */
  @IsString()
  @Matches(/^[A-Za-z0-9_:.-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 letters, digits, _ : . or -' })
  REDIS_PREFIX = 'chat:';

  @IsString() DB_HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'DB_PORT must be an integer' })
  @Min(1, { message: 'DB_PORT must be in [1, 65535]' })
  @Max(65535, { message: 'DB_PORT must be in [1, 65535]' })
  DB_PORT = 5432;

  @IsString() DB_USER = 'postgres';
  @IsString() DB_PASSWORD = 'postgres';
  @IsString() DB_NAME = 'test';

  /** PostgreSQL schema holding the chat tables (created by the migrations). */
  @IsString()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DB_SCHEMA must be a lower-case SQL identifier' })
  DB_SCHEMA = 'chat';

  /** HMAC secret for user tokens (HS256). */
  @IsString({ message: 'JWT_SECRET is required' })
  @MinLength(8, { message: 'JWT_SECRET must be at least 8 characters' })
  JWT_SECRET!: string;

  @Transform(toInt)
  @IsInt({ message: 'JWT_TTL_SECONDS must be an integer' })
  @Min(60, { message: 'JWT_TTL_SECONDS must be at least 60' })
  JWT_TTL_SECONDS = 86_400;

  @IsIn(['development', 'production', 'test'], { message: 'NODE_ENV must be development, production or test' })
  NODE_ENV = 'development';

  /** Largest message body in UTF-8 bytes (413 above). */
  @Transform(toInt)
  @IsInt({ message: 'MAX_BODY_BYTES must be an integer' })
  @Min(1, { message: 'MAX_BODY_BYTES must be in [1, 65536]' })
  @Max(65_536, { message: 'MAX_BODY_BYTES must be in [1, 65536]' })
  MAX_BODY_BYTES = 4096;

  /** Conversations with more members than this use read fan-out; up to it, write fan-out. */
  @Transform(toInt)
  @IsInt({ message: 'FANOUT_THRESHOLD must be an integer' })
  @Min(1, { message: 'FANOUT_THRESHOLD must be at least 1' })
  FANOUT_THRESHOLD = 100;

  /** Most messages one sync page (or history page) returns. */
  @Transform(toInt)
  @IsInt({ message: 'SYNC_PAGE_LIMIT must be an integer' })
  @Min(1, { message: 'SYNC_PAGE_LIMIT must be in [1, 1000]' })
  @Max(1000, { message: 'SYNC_PAGE_LIMIT must be in [1, 1000]' })
  SYNC_PAGE_LIMIT = 100;

  /** Longest long-poll wait a client may ask for. */
  @Transform(toInt)
  @IsInt({ message: 'LONG_POLL_MAX_MS must be an integer' })
  @Min(0, { message: 'LONG_POLL_MAX_MS must be in [0, 120000]' })
  @Max(120_000, { message: 'LONG_POLL_MAX_MS must be in [0, 120000]' })
  LONG_POLL_MAX_MS = 30_000;

  /** How long a session-consistent read waits for the projection to reach the session's revision before 503. */
  @Transform(toInt)
  @IsInt({ message: 'CONSISTENCY_WAIT_MS must be an integer' })
  @Min(0, { message: 'CONSISTENCY_WAIT_MS must be in [0, 60000]' })
  @Max(60_000, { message: 'CONSISTENCY_WAIT_MS must be in [0, 60000]' })
  CONSISTENCY_WAIT_MS = 2000;

  /** Deadline for a send to be committed (retrying through leader changes) before 504. */
  @Transform(toInt)
  @IsInt({ message: 'SEND_TIMEOUT_MS must be an integer' })
  @Min(100, { message: 'SEND_TIMEOUT_MS must be at least 100' })
  SEND_TIMEOUT_MS = 10_000;

  /** Bytes queued for one WebSocket/SSE client before it is disconnected as too slow. */
  @Transform(toInt)
  @IsInt({ message: 'CLIENT_MAX_BUFFERED_BYTES must be an integer' })
  @Min(1024, { message: 'CLIENT_MAX_BUFFERED_BYTES must be at least 1024' })
  CLIENT_MAX_BUFFERED_BYTES = 1024 * 1024;

  /** Largest WebSocket frame a client may send. */
  @Transform(toInt)
  @IsInt({ message: 'WS_MAX_PAYLOAD_BYTES must be an integer' })
  @Min(256, { message: 'WS_MAX_PAYLOAD_BYTES must be at least 256' })
  WS_MAX_PAYLOAD_BYTES = 16 * 1024;

  /** Push connections (WebSocket + SSE) one instance accepts. */
  @Transform(toInt)
  @IsInt({ message: 'MAX_CONNECTIONS must be an integer' })
  @Min(1, { message: 'MAX_CONNECTIONS must be at least 1' })
  MAX_CONNECTIONS = 20_000;

  /** Push connections one user may hold on one instance. */
  @Transform(toInt)
  @IsInt({ message: 'MAX_CONNECTIONS_PER_USER must be an integer' })
  @Min(1, { message: 'MAX_CONNECTIONS_PER_USER must be at least 1' })
  MAX_CONNECTIONS_PER_USER = 20;

  /** Sends per second per user (token bucket rate; burst is twice this). 0 disables. */
  @Transform(toInt)
  @IsInt({ message: 'RATE_USER_PER_SEC must be an integer' })
  @Min(0, { message: 'RATE_USER_PER_SEC must be at least 0' })
  RATE_USER_PER_SEC = 20;

  /** Sends per second per conversation (token bucket rate; burst is twice this). 0 disables. */
  @Transform(toInt)
  @IsInt({ message: 'RATE_CONVERSATION_PER_SEC must be an integer' })
  @Min(0, { message: 'RATE_CONVERSATION_PER_SEC must be at least 0' })
  RATE_CONVERSATION_PER_SEC = 200;

  /** Run the projection (raft watch → PostgreSQL → fan-out) in this instance; one instance at a time holds it. */
  @Transform(toBool)
  @IsBoolean({ message: 'PROJECTION_ENABLED must be true or false' })
  PROJECTION_ENABLED = true;

  /** A conversation actor with nothing to do for this long is stopped (its state is in PostgreSQL). */
  @Transform(toInt)
  @IsInt({ message: 'ACTOR_IDLE_MS must be an integer' })
  @Min(100, { message: 'ACTOR_IDLE_MS must be at least 100' })
  ACTOR_IDLE_MS = 60_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'LOG_LEVEL must be a pino level' })
  LOG_LEVEL = 'info';

  /** Identifies this instance in logs and metrics (default: host:port). */
  @IsString()
  @MaxLength(64, { message: 'INSTANCE_ID must be at most 64 characters' })
  INSTANCE_ID = '';

  get production(): boolean {
    return this.NODE_ENV === 'production';
  }

  /** The dev token endpoint exists only outside production. */
  get devTokens(): boolean {
    return !this.production;
  }

  raftNodes(): string[] {
    return this.RAFT_NODES.split(',').map((s) => s.trim());
  }
}

/** Thrown at start when the environment is invalid; the message names every bad setting. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Validates the environment (also used by @nestjs/config's `validate`). */
export function validateChatEnv(raw: Record<string, unknown>): ChatEnv {
  const env = plainToInstance(ChatEnv, raw, { exposeDefaultValues: true, excludeExtraneousValues: false });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }));
  if (messages.length > 0) throw new ConfigError(`invalid configuration: ${messages.join('; ')}`);
  if (env.INSTANCE_ID === '') env.INSTANCE_ID = `${env.HOST}:${env.PORT}`;
  return env;
}

/** Injection token of the validated {@link ChatEnv}. */
export const CHAT_ENV = Symbol('CHAT_ENV');
