import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuditEntity } from './audit/audit.entity';
import type { GatewayEnv } from './config/gateway-config';
import { Init1763880000000 } from './migrations/1763880000000-init';
import { OneRunningOperation1763890000000 } from './migrations/1763890000000-one-running-operation';
import { OperationEntity } from './operations/operation.entity';

export const ENTITIES = [OperationEntity, AuditEntity];
export const MIGRATIONS = [Init1763880000000, OneRunningOperation1763890000000];

type DbSettings = Pick<GatewayEnv, 'DB_HOST' | 'DB_PORT' | 'DB_USER' | 'DB_PASSWORD' | 'DB_NAME' | 'DB_SCHEMA'>;

/** TypeORM options: the gateway's schema, migrations run on start, never `synchronize`. */
export async function databaseOptions(env: DbSettings): Promise<DataSourceOptions> {
  const connection = { type: 'postgres' as const, host: env.DB_HOST, port: env.DB_PORT, username: env.DB_USER, password: env.DB_PASSWORD, database: env.DB_NAME };
  // The schema must exist before TypeORM creates its migrations table in it.
  const bootstrap = new DataSource(connection);
  await bootstrap.initialize();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${env.DB_SCHEMA}"`);
  } finally {
    await bootstrap.destroy();
  }
  return { ...connection, schema: env.DB_SCHEMA, entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, migrationsTransactionMode: 'each', synchronize: false };
}
