import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

/** Environment of the admin gateway, validated at start (a bad value names the setting). */
export class GatewayEnv {
  @IsString()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(1)
  @Max(65535)
  PORT = 8080;

  /** Client HTTP addresses of some cluster members (host:port,…); the rest are discovered. */
  @IsString()
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, { message: 'SEED_NODES must look like 127.0.0.1:7001,127.0.0.1:7002' })
  SEED_NODES = '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';

  /** Bearer token required on every mutating route. */
  @IsString()
  @MinLength(8, { message: 'ADMIN_TOKEN must be at least 8 characters' })
  ADMIN_TOKEN!: string;

  @IsString()
  DB_HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'DB_PORT must be an integer' })
  DB_PORT = 5432;

  @IsString()
  DB_USER = 'postgres';

  @IsString()
  DB_PASSWORD = 'postgres';

  @IsString()
  DB_NAME = 'test';

  /** PostgreSQL schema holding the gateway's tables (created if missing). */
  @IsString()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DB_SCHEMA must be a lowercase identifier' })
  DB_SCHEMA = 'admin_gateway';

  /** A membership operation that has not finished by then is marked failed. */
  @Transform(toInt)
  @IsInt({ message: 'OPERATION_TIMEOUT_MS must be an integer' })
  @Min(1000)
  OPERATION_TIMEOUT_MS = 120_000;
}

export class GatewayConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export function validateGatewayEnv(raw: Record<string, unknown>): GatewayEnv {
  const env = plainToInstance(GatewayEnv, raw, { exposeDefaultValues: true });
  const errors = validateSync(env);
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }));
  if (env.ADMIN_TOKEN === undefined) messages.push('ADMIN_TOKEN is required');
  if (messages.length > 0) throw new GatewayConfigError(`invalid configuration: ${[...new Set(messages)].join('; ')}`);
  return env;
}
