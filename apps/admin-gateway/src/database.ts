import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuditEntity } from './audit/audit.entity';
import type { GatewayEnv } from './config/gateway-config';
import { Init1763880000000 } from './migrations/1763880000000-init';
import { OperationEntity } from './operations/operation.entity';

/** TypeORM options: migrations run on start, never `synchronize`. */
export async function databaseOptions(env: GatewayEnv): Promise<DataSourceOptions> {
  // The schema must exist before TypeORM creates its migrations table in it.
  const bootstrap = new DataSource({ type: 'postgres', host: env.DB_HOST, port: env.DB_PORT, username: env.DB_USER, password: env.DB_PASSWORD, database: env.DB_NAME });
  await bootstrap.initialize();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${env.DB_SCHEMA}"`);
  } finally {
    await bootstrap.destroy();
  }
  return {
    type: 'postgres',
    host: env.DB_HOST,
    port: env.DB_PORT,
    username: env.DB_USER,
    password: env.DB_PASSWORD,
    database: env.DB_NAME,
    schema: env.DB_SCHEMA,
    entities: [OperationEntity, AuditEntity],
    migrations: [Init1763880000000],
    migrationsRun: true,
    synchronize: false,
  };
}
