import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Operations and the append-only audit log. */
export class Init1763880000000 implements MigrationInterface {
  name = 'Init1763880000000';

  async up(q: QueryRunner): Promise<void> {
    const s = q.connection.driver.options.type === 'postgres' ? ((q.connection.options as { schema?: string }).schema ?? 'public') : 'public';
    await q.query(`CREATE TABLE "${s}"."operations" (
      "id" uuid PRIMARY KEY,
      "kind" varchar(32) NOT NULL,
      "target" varchar(64) NOT NULL,
      "params" jsonb NOT NULL DEFAULT '{}',
      "status" varchar(16) NOT NULL,
      "phase" varchar(64) NOT NULL,
      "steps" jsonb NOT NULL DEFAULT '[]',
      "error" text,
      "actor" varchar(128) NOT NULL,
      "createdAt" timestamptz NOT NULL DEFAULT now(),
      "updatedAt" timestamptz NOT NULL DEFAULT now(),
      "finishedAt" timestamptz
    )`);
    await q.query(`CREATE INDEX "operations_status" ON "${s}"."operations" ("status")`);
    await q.query(`CREATE TABLE "${s}"."audit_log" (
      "id" bigserial PRIMARY KEY,
      "at" timestamptz NOT NULL DEFAULT now(),
      "actor" varchar(128) NOT NULL,
      "action" varchar(64) NOT NULL,
      "target" varchar(128) NOT NULL,
      "outcome" varchar(32) NOT NULL,
      "detail" jsonb NOT NULL DEFAULT '{}'
    )`);
    // Append-only: the database itself refuses to change or delete audit rows.
    await q.query(`CREATE FUNCTION "${s}".audit_log_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON "${s}"."audit_log"
      FOR EACH ROW EXECUTE FUNCTION "${s}".audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = (q.connection.options as { schema?: string }).schema ?? 'public';
    await q.query(`DROP TABLE "${s}"."audit_log"`);
    await q.query(`DROP FUNCTION "${s}".audit_log_append_only()`);
    await q.query(`DROP TABLE "${s}"."operations"`);
  }
}
