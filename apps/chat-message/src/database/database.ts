import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { CHAT_ENTITIES } from './entities';
import { CHAT_MIGRATIONS } from './migrations';

/** Creates the schema if needed and runs the migrations (never `synchronize`). */
export async function openDataSource(env: ChatEnv, poolSize = 20): Promise<DataSource> {
  const base = { host: env.DB_HOST, port: env.DB_PORT, username: env.DB_USER, password: env.DB_PASSWORD, database: env.DB_NAME };
  // The schema must exist before TypeORM creates its migrations table in it, and two
  // instances starting together must not both migrate: one session-level advisory lock,
  // held on one connection, covers both steps.
  const bootstrap = new DataSource({ type: 'postgres', ...base, entities: [], extra: { max: 1 } });
  await bootstrap.initialize();
  const lock = bootstrap.createQueryRunner();
  let ds: DataSource | null = null;
  try {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [`${env.DB_SCHEMA}.migrations`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${env.DB_SCHEMA}"`);
    ds = new DataSource({
      type: 'postgres',
      ...base,
      schema: env.DB_SCHEMA,
      entities: CHAT_ENTITIES,
      migrations: CHAT_MIGRATIONS,
      migrationsTableName: 'chat_migrations',
      migrationsRun: false,
      synchronize: false,
      extra: { max: poolSize },
    });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`${env.DB_SCHEMA}.migrations`]);
  } catch (e) {
    if (ds?.isInitialized) await ds.destroy();
    throw e;
  } finally {
    await lock.release();
    await bootstrap.destroy();
  }
  return ds;
}

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy().catch((e: unknown) => new Logger('db').warn(String(e)));
  }
}

/** PostgreSQL through a TypeORM DataSource (migrations run on start). */
@Global()
@Module({
  providers: [{ provide: DataSource, inject: [CHAT_ENV], useFactory: (env: ChatEnv) => openDataSource(env) }, DataSourceCloser],
  exports: [DataSource],
})
export class DatabaseModule {}

/** Quotes the configured schema for raw SQL. */
export function tableOf(ds: DataSource, table: string): string {
  const s = (ds.options as { schema?: string }).schema ?? 'public';
  return `"${s}"."${table}"`;
}
