import type { MigrationInterface, QueryRunner } from 'typeorm';

function schemaOf(q: QueryRunner): string {
  const s = (q.connection.options as { schema?: string }).schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`bad schema name ${s}`);
  return s;
}

/** The chat tables. Run on start (`migrationsRun`); never `synchronize` outside unit tests. */
export class InitChat1760000000000 implements MigrationInterface {
  name = 'InitChat1760000000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}"."conversations" (
      "id" varchar(32) PRIMARY KEY,
      "kind" varchar(8) NOT NULL CHECK ("kind" IN ('direct', 'group')),
      "title" varchar(200),
      "direct_key" varchar(300),
      "created_by" varchar(128) NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "mode" varchar(8) NOT NULL DEFAULT 'write' CHECK ("mode" IN ('write', 'read')),
      "switch_seq" bigint NOT NULL DEFAULT 0,
      "last_seq" bigint NOT NULL DEFAULT 0,
      "last_revision" bigint NOT NULL DEFAULT 0,
      "fanned_out_seq" bigint NOT NULL DEFAULT 0,
      "member_count" int NOT NULL DEFAULT 0
    )`);
    await q.query(`CREATE UNIQUE INDEX "conversations_direct_key" ON "${s}"."conversations" ("direct_key") WHERE "direct_key" IS NOT NULL`);
    await q.query(`CREATE TABLE "${s}"."members" (
      "conversation_id" varchar(32) NOT NULL REFERENCES "${s}"."conversations" ("id") ON DELETE CASCADE,
      "user_id" varchar(128) NOT NULL,
      "joined_seq" bigint NOT NULL,
      "joined_at" timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY ("conversation_id", "user_id")
    )`);
    await q.query(`CREATE INDEX "members_by_user" ON "${s}"."members" ("user_id")`);
    await q.query(`CREATE TABLE "${s}"."messages" (
      "conversation_id" varchar(32) NOT NULL REFERENCES "${s}"."conversations" ("id") ON DELETE CASCADE,
      "seq" bigint NOT NULL,
      "msg_id" varchar(32) NOT NULL,
      "sender" varchar(128) NOT NULL,
      "client_msg_id" varchar(128) NOT NULL,
      "body" text NOT NULL,
      "ts" bigint NOT NULL,
      "revision" bigint NOT NULL,
      "via_inbox" boolean NOT NULL,
      PRIMARY KEY ("conversation_id", "seq")
    )`);
    await q.query(`CREATE UNIQUE INDEX "messages_msg_id" ON "${s}"."messages" ("msg_id")`);
    await q.query(`CREATE TABLE "${s}"."read_cursors" (
      "conversation_id" varchar(32) NOT NULL REFERENCES "${s}"."conversations" ("id") ON DELETE CASCADE,
      "user_id" varchar(128) NOT NULL,
      "seq" bigint NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY ("conversation_id", "user_id")
    )`);
    await q.query(`CREATE TABLE "${s}"."projection_state" (
      "id" int PRIMARY KEY,
      "revision" bigint NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`INSERT INTO "${s}"."projection_state" ("id", "revision") VALUES (1, 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    for (const t of ['projection_state', 'read_cursors', 'messages', 'members', 'conversations']) await q.query(`DROP TABLE "${s}"."${t}"`);
  }
}

export const CHAT_MIGRATIONS = [InitChat1760000000000];
