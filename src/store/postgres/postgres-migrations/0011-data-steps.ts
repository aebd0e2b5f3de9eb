/**
 * The record of one-off data steps (postgres-data-steps.ts): a step that finished is a row, so
 * start-ups after the first one do not scan for work again. Schema migrations stay schema only;
 * a data step runs after them, in many small transactions, while the portal takes writes.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE carepack_data_steps (
    name text PRIMARY KEY,
    finished_at timestamptz NOT NULL DEFAULT now(),
    records int NOT NULL CHECK (records >= 0)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS carepack_data_steps`.execute(db);
}
