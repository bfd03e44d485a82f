import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

const HOST_PORT_LIST = /^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/;
const NAMED_TOKENS = /^$|^[\w.@-]{1,64}=[^,=\s]{8,}(,[\w.@-]{1,64}=[^,=\s]{8,})*$/;

/**
 * Environment of the admin gateway, validated at start: a bad value stops the process with
 * a message naming the setting. Every variable is documented in apps/admin-gateway/README.md.
 */
export class GatewayEnv {
  @IsString()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(1, { message: 'PORT must be in [1, 65535]' })
  @Max(65535, { message: 'PORT must be in [1, 65535]' })
  PORT = 8080;

  /** Client HTTP addresses of some cluster members (host:port,…); the others are discovered. */
  @IsString()
  @Matches(HOST_PORT_LIST, { message: 'SEED_NODES must look like 127.0.0.1:7001,127.0.0.1:7002' })
  SEED_NODES = '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';

  /** Bearer token required on every mutating route; requests with it act as "admin". */
  @IsString({ message: 'ADMIN_TOKEN is required' })
  @MinLength(8, { message: 'ADMIN_TOKEN must be at least 8 characters' })
  ADMIN_TOKEN!: string;

  /** Optional extra tokens naming their holder for the audit log: `alice=<token>,bob=<token>`. */
  @IsOptional()
  @IsString()
  @Matches(NAMED_TOKENS, { message: 'ADMIN_TOKENS must look like alice=<token of 8+ chars>,bob=<token>' })
  ADMIN_TOKENS = '';

  @IsString()
  DB_HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'DB_PORT must be an integer' })
  @Min(1, { message: 'DB_PORT must be in [1, 65535]' })
  @Max(65535, { message: 'DB_PORT must be in [1, 65535]' })
  DB_PORT = 5432;

  @IsString()
  DB_USER = 'postgres';

  @IsString()
  DB_PASSWORD = '';

  @IsString()
  DB_NAME = 'test';

  /** PostgreSQL schema holding the gateway's tables and its migrations table (created if missing). */
  @IsString()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DB_SCHEMA must be a lowercase SQL identifier' })
  DB_SCHEMA = 'admin_gateway';

  /** A membership change not finished by then is failed ("timed out: …"). */
  @Transform(toInt)
  @IsInt({ message: 'OPERATION_TIMEOUT_MS must be an integer' })
  @Min(1000, { message: 'OPERATION_TIMEOUT_MS must be at least 1000' })
  OPERATION_TIMEOUT_MS = 120_000;

  /** A leadership transfer not completed by then is failed. */
  @Transform(toInt)
  @IsInt({ message: 'TRANSFER_TIMEOUT_MS must be an integer' })
  @Min(500, { message: 'TRANSFER_TIMEOUT_MS must be at least 500' })
  TRANSFER_TIMEOUT_MS = 10_000;

  /** How often a running operation is checked against the cluster. */
  @Transform(toInt)
  @IsInt({ message: 'POLL_INTERVAL_MS must be an integer' })
  @Min(20, { message: 'POLL_INTERVAL_MS must be at least 20' })
  @Max(10_000, { message: 'POLL_INTERVAL_MS must be at most 10000' })
  POLL_INTERVAL_MS = 100;

  /** Timeout of one request to a node. */
  @Transform(toInt)
  @IsInt({ message: 'NODE_TIMEOUT_MS must be an integer' })
  @Min(50, { message: 'NODE_TIMEOUT_MS must be at least 50' })
  NODE_TIMEOUT_MS = 1000;

  /** The nodes' TICK_MS (progress reports "ticks since contact"; shown in milliseconds). */
  @Transform(toInt)
  @IsInt({ message: 'NODE_TICK_MS must be an integer' })
  @Min(1, { message: 'NODE_TICK_MS must be at least 1' })
  NODE_TICK_MS = 10;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'LOG_LEVEL must be a pino level' })
  LOG_LEVEL = 'info';
}

/** Thrown at start when the environment is invalid; the message names every bad setting. */
export class GatewayConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** `name=token` pairs of ADMIN_TOKENS plus ADMIN_TOKEN as "admin". */
export function tokenTable(env: Pick<GatewayEnv, 'ADMIN_TOKEN' | 'ADMIN_TOKENS'>): Map<string, string> {
  const table = new Map<string, string>([[env.ADMIN_TOKEN, 'admin']]);
  for (const pair of (env.ADMIN_TOKENS ?? '').split(',').filter(Boolean)) {
    const i = pair.indexOf('=');
    table.set(pair.slice(i + 1), pair.slice(0, i));
  }
  return table;
}

export function validateGatewayEnv(raw: Record<string, unknown>): GatewayEnv {
  const env = plainToInstance(GatewayEnv, raw, { exposeDefaultValues: true });
  const errors = validateSync(env);
  // A value of the wrong type is reported as such, without its range checks.
  const messages = errors.flatMap((e) => {
    const c = e.constraints ?? { invalid: `${e.property} is invalid` };
    return c['isInt'] ? [c['isInt']] : c['isString'] ? [c['isString']] : Object.values(c);
  });
  if (messages.length === 0 && tokenTable(env).size !== 1 + env.ADMIN_TOKENS.split(',').filter(Boolean).length) {
    messages.push('ADMIN_TOKENS must not repeat a token (nor reuse ADMIN_TOKEN)');
  }
  if (messages.length > 0) throw new GatewayConfigError(`invalid configuration: ${[...new Set(messages)].join('; ')}`);
  return env;
}

/** Reads the validated environment out of @nestjs/config. */
export const GATEWAY_ENV = 'gateway';
