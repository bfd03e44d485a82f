import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';

export const TOKEN = 'unit-test-admin-token';
export const ALICE_TOKEN = 'alice-secret-token-1';

/** A schema of its own per test file (dropped at the end). */
export function testSchema(name: string): string {
  return `gw_unit_${name}_${process.pid}`;
}

/** The gateway app (real PostgreSQL, the given seed nodes), listening on a random port. */
export async function startGateway(seeds: string, schema: string, extraEnv: Record<string, string> = {}): Promise<INestApplication> {
  const env = {
    SEED_NODES: seeds,
    ADMIN_TOKEN: TOKEN,
    ADMIN_TOKENS: `alice=${ALICE_TOKEN}`,
    DB_SCHEMA: schema,
    LOG_LEVEL: 'silent',
    POLL_INTERVAL_MS: '20',
    NODE_TIMEOUT_MS: '300',
    OPERATION_TIMEOUT_MS: '5000',
    TRANSFER_TIMEOUT_MS: '1000',
    ...extraEnv,
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(env)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureApp(app);
  await app.init();
  await app.listen(0, '127.0.0.1');
  return app;
}

/** A direct connection to the test database (to inspect or seed tables). */
export async function database(): Promise<DataSource> {
  const ds = new DataSource({ type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', password: '', database: 'test' });
  await ds.initialize();
  return ds;
}

export async function dropSchema(schema: string): Promise<void> {
  const ds = await database();
  try {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await ds.destroy();
  }
}
