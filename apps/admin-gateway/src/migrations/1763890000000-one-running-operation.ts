import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * At most one running operation, enforced by the database (so two gateway instances cannot
 * start concurrent changes either), and room for "name (token name)" actors.
 */
export class OneRunningOperation1763890000000 implements MigrationInterface {
  name = 'OneRunningOperation1763890000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE UNIQUE INDEX "operations_one_running" ON "${s}"."operations" ((true)) WHERE "status" = 'running'`);
    await q.query(`CREATE INDEX "operations_created" ON "${s}"."operations" ("createdAt" DESC)`);
    await q.query(`ALTER TABLE "${s}"."operations" ALTER COLUMN "actor" TYPE varchar(160)`);
    await q.query(`ALTER TABLE "${s}"."audit_log" ALTER COLUMN "actor" TYPE varchar(160)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP INDEX "${s}"."operations_created"`);
    await q.query(`DROP INDEX "${s}"."operations_one_running"`);
  }
}

function schemaOf(q: QueryRunner): string {
  return (q.connection.options as { schema?: string }).schema ?? 'public';
}
